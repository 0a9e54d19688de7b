// What the API server says about deprecated APIs, in the three places it says it: the HTTP
// `Warning` header of a response (RFC 7234 warn-values, code 299), the same text logged by a
// client (Flux's controllers log what their requests got back), and the fixed sentence
// Kubernetes uses for a deprecated group/version/kind. Pure functions: no I/O here.

/** One warn-value of a `Warning` header. */
export interface HeaderWarning {
  /** 299 ("miscellaneous persistent warning") is what Kubernetes sends. */
  code: number;
  agent: string;
  text: string;
}

/**
 * Parses one or more `Warning` header values. Several headers may arrive joined with ", " (Node
 * does that), and a warn-text is a quoted string that may itself contain commas and `\"`.
 * Malformed pieces are skipped rather than guessed at.
 */
export function parseWarningHeaders(values: string | string[] | undefined): HeaderWarning[] {
  if (values === undefined) return [];
  const out: HeaderWarning[] = [];
  for (const value of Array.isArray(values) ? values : [values]) {
    let i = 0;
    const n = value.length;
    const skip = (chars: string) => {
      while (i < n && chars.includes(value[i])) i++;
    };
    while (i < n) {
      skip(' \t,');
      if (i >= n) break;
      const codeMatch = /^(\d{3})\s+/.exec(value.slice(i));
      if (!codeMatch) {
        // Not a warn-value: jump to the next comma outside quotes.
        i = nextComma(value, i);
        continue;
      }
      i += codeMatch[0].length;
      const agentMatch = /^(\S+)\s+/.exec(value.slice(i));
      if (!agentMatch) break;
      i += agentMatch[0].length;
      const quoted = readQuoted(value, i);
      if (!quoted) {
        i = nextComma(value, i);
        continue;
      }
      i = quoted.end;
      // Optional warn-date, also quoted.
      const rest = /^\s+"/.exec(value.slice(i));
      if (rest) {
        const date = readQuoted(value, i + rest[0].length - 1);
        if (date) i = date.end;
      }
      out.push({ code: Number(codeMatch[1]), agent: agentMatch[1], text: quoted.text });
    }
  }
  return out;
}

function readQuoted(value: string, start: number): { text: string; end: number } | undefined {
  if (value[start] !== '"') return undefined;
  let text = '';
  for (let i = start + 1; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) {
      text += value[++i];
    } else if (c === '"') {
      return { text, end: i + 1 };
    } else {
      text += c;
    }
  }
  return undefined; // unterminated
}

function nextComma(value: string, from: number): number {
  let inQuote = false;
  for (let i = from; i < value.length; i++) {
    if (value[i] === '\\' && inQuote) i++;
    else if (value[i] === '"') inQuote = !inQuote;
    else if (value[i] === ',' && !inQuote) return i + 1;
  }
  return value.length;
}

/** The parts of Kubernetes' deprecation sentence for a group/version/kind. */
export interface DeprecationNotice {
  /** e.g. `autoscaling/v2beta2`, or `v1` for the core group. */
  apiVersion: string;
  kind: string;
  /** `1.23` from "deprecated in v1.23+", when the sentence has it. */
  deprecatedIn?: string;
  /** `1.26` from "unavailable in v1.26+", when the sentence has it. */
  removedIn?: string;
  /** `autoscaling/v2 HorizontalPodAutoscaler` from "; use …". */
  replacement?: string;
}

// k8s.io/apiserver/pkg/endpoints/deprecation: "<group/version> <Kind> is deprecated[ in vX.Y+][, unavailable in vX.Y+][; use <group/version> <Kind>]".
// CustomResourceDefinitions with `deprecated: true` on a version use the same sentence unless
// they set their own deprecationWarning (then only the text is known).
const DEPRECATION = /(?:^|[\s"'])((?:[a-z0-9.-]+\/)?v\d+(?:(?:alpha|beta)\d+)?) ([A-Z][A-Za-z0-9]*) is deprecated(?: in v(\d+\.\d+)\+)?(?:, unavailable in v(\d+\.\d+)\+)?(?:; use ((?:[a-z0-9.-]+\/)?v\d+(?:(?:alpha|beta)\d+)? [A-Z][A-Za-z0-9]*))?/;

/** The deprecation notice in a warning text, or undefined when the text says something else. */
export function parseDeprecation(text: string): DeprecationNotice | undefined {
  const m = DEPRECATION.exec(text);
  if (!m) return undefined;
  return {
    apiVersion: m[1],
    kind: m[2],
    ...(m[3] ? { deprecatedIn: m[3] } : {}),
    ...(m[4] ? { removedIn: m[4] } : {}),
    ...(m[5] ? { replacement: m[5] } : {}),
  };
}

/** Kinds of warning the canary reports apart: deprecation is what an upgrade cares about. */
export type WarningKind = 'deprecation' | 'other';

export function warningKind(text: string): WarningKind {
  return parseDeprecation(text) ? 'deprecation' : 'other';
}

/**
 * Warnings a Flux controller logged about its own API requests. controller-runtime logs every
 * `Warning` header through a logger named KubeAPIWarningLogger (console encoding:
 * `time<TAB>LEVEL<TAB>KubeAPIWarningLogger<TAB>text`); client-go's klog handler (used by Helm
 * inside helm-controller) writes `W… warnings.go:…] text`. Any other line that carries the
 * deprecation sentence counts as well. Duplicates are dropped.
 */
export function warningsInLog(text: string): string[] {
  const found = new Set<string>();
  for (const line of text.split('\n')) {
    const fields = line.split('\t');
    if (fields[2] === 'KubeAPIWarningLogger' && fields[3]) {
      found.add(fields[3].trim());
      continue;
    }
    const klog = /^W\d{4} [\d:.]+\s+\d+ warnings\.go:\d+\] (.*)$/.exec(line);
    if (klog) {
      found.add(klog[1].trim());
      continue;
    }
    const m = DEPRECATION.exec(line);
    if (m) found.add(line.slice(line.indexOf(`${m[1]} ${m[2]} is deprecated`, m.index)).trim().replace(/["}\s]+$/, ''));
  }
  return [...found];
}
