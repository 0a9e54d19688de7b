import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import type {PrismTheme} from 'prism-react-renderer';
import {darkCodeTheme, lightCodeTheme} from './prism-themes';

type Rgb = [number, number, number];

function parseHex(hex: string): Rgb {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [1, 2, 3].map((i) => parseInt(match[i], 16)) as Rgb;
}

/** WCAG 2 relative luminance and contrast ratio. */
function luminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: Rgb, b: Rgb): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high + 0.05) / (low + 0.05);
}

/** The highlighted-line colour from custom.css, blended over the block background. */
function highlightedBackground(cssSelector: ':root' | "[data-theme='dark']", base: Rgb): Rgb {
  const css = readFileSync(new URL('./css/custom.css', import.meta.url), 'utf8');
  const block = css.slice(css.indexOf(`${cssSelector} {`));
  const match = /--docusaurus-highlighted-code-line-bg:\s*rgba\((\d+),\s*(\d+),\s*(\d+),\s*([\d.]+)\)/.exec(block);
  assert.ok(match, `no rgba highlighted-line colour under ${cssSelector} in custom.css`);
  const alpha = Number(match[4]);
  return [1, 2, 3].map((i, k) => Math.round(Number(match[i]) * alpha + base[k] * (1 - alpha))) as Rgb;
}

function lowContrastColours(theme: PrismTheme, selector: ':root' | "[data-theme='dark']"): string[] {
  const background = parseHex(theme.plain.backgroundColor!);
  const highlighted = highlightedBackground(selector, background);
  const colours = [theme.plain.color!, ...theme.styles.map((s) => s.style.color).filter((c): c is string => !!c)];
  return colours.flatMap((colour) => {
    const rgb = parseHex(colour);
    const worst = Math.min(contrast(rgb, background), contrast(rgb, highlighted));
    return worst < 4.5 ? [`${colour} reaches only ${worst.toFixed(2)}:1`] : [];
  });
}

test('every light-mode code colour meets WCAG AA on plain and highlighted lines', () => {
  assert.deepEqual(lowContrastColours(lightCodeTheme, ':root'), []);
});

test('every dark-mode code colour meets WCAG AA on plain and highlighted lines', () => {
  assert.deepEqual(lowContrastColours(darkCodeTheme, "[data-theme='dark']"), []);
});

test('the contrast maths matches known WCAG values', () => {
  assert.equal(contrast([0, 0, 0], [255, 255, 255]).toFixed(1), '21.0');
  assert.equal(contrast(parseHex('#777777'), [255, 255, 255]).toFixed(2), '4.48');
});
