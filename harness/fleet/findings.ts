// One shape for every problem the static tier reports, so every check names the file
// (and the line and column where there is one) and the reason in the same way.

export type CheckName = 'yaml' | 'kustomize' | 'flux' | 'schema' | 'policy' | 'promotion' | 'docs' | 'secrets';

export interface Finding {
  check: CheckName;
  /** Repository-relative path of the file at fault. */
  file: string;
  line?: number;
  column?: number;
  /** Policy rule id (or another stable id for the kind of problem). */
  rule?: string;
  /** The object, as Kind/namespace/name, when the problem is in one object. */
  object?: string;
  message: string;
}

export function formatFinding(f: Finding): string {
  const where = f.line ? `${f.file}:${f.line}:${f.column ?? 1}` : f.file;
  const what = f.rule ? `${f.check}/${f.rule}` : f.check;
  const obj = f.object ? ` ${f.object}:` : '';
  return `${where}: [${what}]${obj} ${f.message}`;
}

export function formatFindings(findings: Finding[]): string {
  return findings.map(formatFinding).join('\n');
}
