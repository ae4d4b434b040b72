/**
 * The catalog as the CLI reads it (descriptors only; no training code).
 */
import { isPaperId, type DemoDescriptor, type PaperDescriptor } from '../shared/catalog';
import { flagString, type ParsedArgs, UsageError } from './args';

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

/** The paper named `paperId` and its demo `demoId` (the paper's first when not given). */
export async function findDemo(
  paperId: string,
  demoId: string | undefined,
): Promise<{ readonly paper: PaperDescriptor; readonly demo: DemoDescriptor }> {
  const paper = await findPaper(paperId);
  const demo = demoId === undefined ? paper.demos[0] : paper.demos.find((d) => d.id === demoId);
  if (!demo)
    throw new UsageError(
      `--demo: ${paperId} has no demo "${demoId ?? ''}" (demos: ${paper.demos.map((d) => d.id).join(', ')})`,
    );
  return { paper, demo };
}

/** A command's one positional argument, the paper, and its demo (`--demo`). */
export async function demoArgument(
  args: ParsedArgs,
  command: string,
  missing: string,
): Promise<{ readonly paperId: string; readonly paper: PaperDescriptor; readonly demo: DemoDescriptor }> {
  const [paperId, ...rest] = args.positionals;
  if (paperId === undefined) throw new UsageError(`${command}: missing ${missing}`);
  if (rest.length > 0) throw new UsageError(`${command}: unexpected arguments ${rest.join(' ')}`);
  return { paperId, ...(await findDemo(paperId, flagString(args, 'demo'))) };
}
