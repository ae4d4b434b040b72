/** The webview's handle on VS Code: typed posting to the host and persisted state. */
import type { PanelToHost } from '../shared/webviewProtocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface HostChannel {
  post(message: PanelToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** `acquireVsCodeApi` may be called only once per webview; this wraps the single instance. */
export function connect(): HostChannel {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
  };
}
