/**
 * The catalog as the CLI reads it (descriptors only; no training code).
 */
import { isPaperId, type DemoDescriptor, type PaperDescriptor } from '../shared/catalog';
import { clip } from '../shared/config';
import { type ParsedArgs, UsageError } from './args';

/** The catalog's papers, or `papers` when given (tests run the commands on a fake catalog). */
export async function loadPapers(papers?: readonly PaperDescriptor[]): Promise<readonly PaperDescriptor[]> {
  if (papers) return papers;
  const catalog = await import('../models/catalog');
  return catalog.PAPERS;
}

export async function findPaper(id: string, papers?: readonly PaperDescriptor[]): Promise<PaperDescriptor> {
  if (!isPaperId(id)) throw new UsageError(`unknown paper "${clip(id)}"`);
  const paper = (await loadPapers(papers)).find((p) => p.meta.id === id);
  if (!paper) throw new UsageError(`unknown paper "${id}"`);
  return paper;
}

/** The paper named `paperId` and its demo `demoId` (the paper's first when not given). */
export async function findDemo(
  paperId: string,
  demoId: string | undefined,
  papers?: readonly PaperDescriptor[],
): Promise<{ readonly paper: PaperDescriptor; readonly demo: DemoDescriptor }> {
  const paper = await findPaper(paperId, papers);
  const demo = demoId === undefined ? paper.demos[0] : paper.demos.find((d) => d.id === demoId);
  if (!demo)
    throw new UsageError(
      `--demo: ${paperId} has no demo "${clip(demoId ?? '')}" (demos: ${paper.demos.map((d) => d.id).join(', ')})`,
    );
  return { paper, demo };
}

/** A command's one positional argument, the paper, and its demo (`--demo`). */
export async function demoArgument(
  args: ParsedArgs,
  command: string,
  missing: string,
  papers?: readonly PaperDescriptor[],
): Promise<{ readonly paperId: string; readonly paper: PaperDescriptor; readonly demo: DemoDescriptor }> {
  const [paperId, ...rest] = args.positionals;
  if (paperId === undefined) throw new UsageError(`${command}: missing ${missing}`);
  if (rest.length > 0) throw new UsageError(`${command}: unexpected arguments ${clip(rest.join(' '))}`);
  return { paperId, ...(await findDemo(paperId, args.string('demo'), papers)) };
}
