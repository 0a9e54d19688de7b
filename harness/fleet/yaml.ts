// Parsing YAML the way the rest of the static tier needs it: every document of a file,
// with file:line:column and the parser's reason for anything that is not valid YAML.
import { readFileSync } from 'node:fs';
import { LineCounter, parseAllDocuments, isMap, type Document, type YAMLMap } from 'yaml';
import { display } from './tree.ts';
import type { Finding } from './findings.ts';

export interface ParsedDoc {
  value: unknown;
  /** 1-based line where the document's content starts. */
  line: number;
}

export interface ParsedFile {
  file: string;
  docs: ParsedDoc[];
  findings: Finding[];
}

/** Parses every document of a YAML text. Errors (syntax, duplicate keys, …) become findings. */
export function parseYamlText(text: string, file: string): ParsedFile {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: true, strict: true });
  const list: Document.Parsed[] = Array.isArray(documents) ? documents : [documents as unknown as Document.Parsed];
  const findings: Finding[] = [];
  const docs: ParsedDoc[] = [];
  for (const doc of list) {
    for (const error of doc.errors) {
      const pos = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
      findings.push({
        check: 'yaml',
        file: display(file),
        line: pos.line,
        column: pos.col,
        rule: error.code,
        message: firstLine(error.message),
      });
    }
    if (doc.errors.length > 0) continue;
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    docs.push({ value: doc.toJS({ maxAliasCount: 100 }), line: lineCounter.linePos(start).line });
  }
  return { file, docs, findings };
}

export function parseYamlFile(file: string): ParsedFile {
  return parseYamlText(readFileSync(file, 'utf8'), file);
}

function firstLine(message: string): string {
  // prettyErrors appends a code frame after the first line; the first line is the reason.
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
}

/** Documents of a file that are Kubernetes objects (have apiVersion and kind). */
export function k8sDocs(parsed: ParsedFile): ParsedDoc[] {
  return parsed.docs.filter((d) => isObjectLike(d.value));
}

export function isObjectLike(v: unknown): v is { apiVersion: string; kind: string; metadata?: { name?: string; namespace?: string } } {
  return typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>).apiVersion === 'string' && typeof (v as Record<string, unknown>).kind === 'string';
}

/** A document of a YAML file whose content is a map defining kind/name, with the file's line counter. */
export interface ObjectDocument {
  contents: YAMLMap;
  lineCounter: LineCounter;
}

/**
 * The documents of `file` that define kind/name (any name when `name` is undefined), parsed
 * with positions. Nothing when the file cannot be read; documents with errors are passed over.
 */
export function* objectDocuments(file: string, kind: string, name: string | undefined): Generator<ObjectDocument> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return;
  }
  const lineCounter = new LineCounter();
  for (const doc of parseAllDocuments(text, { lineCounter }) as Document.Parsed[]) {
    const contents = doc.contents;
    if (!isMap(contents) || doc.errors.length) continue;
    const value = doc.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null;
    if (value?.kind !== kind || (name !== undefined && value.metadata?.name !== name)) continue;
    yield { contents, lineCounter };
  }
}

/**
 * Line of the document in `file` that defines kind/name (1-based), to point a finding at it.
 * Falls back to undefined when the file does not hold that object literally (e.g. generated).
 */
export function locateObject(file: string, kind: string, name: string | undefined): number | undefined {
  for (const { contents, lineCounter } of objectDocuments(file, kind, name)) {
    const start = contents.range?.[0];
    if (start !== undefined) return lineCounter.linePos(start).line;
  }
  return undefined;
}
