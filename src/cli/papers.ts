/**
 * The catalog as the CLI reads it (descriptors only; no training code).
 */
import { isPaperId, type PaperDescriptor } from '../shared/catalog';
import { UsageError } from './args';

export async function loadPapers(): Promise<readonly PaperDescriptor[]> {
  const catalog = await import('../models/catalog');
  return catalog.PAPERS;
}

export async function findPaper(id: string): Promise<PaperDescriptor> {
  if (!isPaperId(id)) throw new UsageError(`unknown paper "${id}"`);
  const paper = (await loadPapers()).find((p) => p.meta.id === id);
  if (!paper) throw new UsageError(`unknown paper "${id}"`);
  return paper;
}
