/**
 * Code colours for both colour modes. The stock github and dracula themes
 * fail WCAG AA for comments, YAML keys and strings (axe flags them), and the
 * guide is mostly YAML, so these keep their spirit with darker (light mode)
 * or lighter (dark mode) tones. src/prism-themes.test.ts checks every colour
 * against the block background and the highlighted-line background.
 */
import type {PrismTheme} from 'prism-react-renderer';

export const lightCodeTheme: PrismTheme = {
  plain: {color: '#24292f', backgroundColor: '#f6f8fa'},
  styles: [
    {types: ['comment', 'prolog', 'doctype', 'cdata'], style: {color: '#57606a', fontStyle: 'italic'}},
    {types: ['namespace'], style: {color: '#57606a'}},
    {types: ['string', 'attr-value', 'char', 'url'], style: {color: '#0a3069'}},
    {types: ['punctuation', 'operator'], style: {color: '#24292f'}},
    {
      types: ['entity', 'symbol', 'number', 'boolean', 'variable', 'constant', 'property', 'regex'],
      style: {color: '#0550ae'},
    },
    {types: ['atrule', 'keyword', 'attr-name', 'selector', 'key'], style: {color: '#0b6b73'}},
    {types: ['function', 'tag', 'builtin'], style: {color: '#a40e26'}},
    {types: ['function-variable', 'class-name'], style: {color: '#6639ba'}},
    {types: ['inserted'], style: {color: '#116329'}},
    {types: ['deleted'], style: {color: '#b31d28'}},
    {types: ['important', 'bold'], style: {fontWeight: 'bold'}},
  ],
};

export const darkCodeTheme: PrismTheme = {
  plain: {color: '#f8f8f2', backgroundColor: '#282a36'},
  styles: [
    {types: ['comment', 'prolog', 'doctype', 'cdata'], style: {color: '#a4b0d6', fontStyle: 'italic'}},
    {types: ['namespace'], style: {color: '#a4b0d6'}},
    {types: ['string', 'attr-value', 'char', 'url', 'tag', 'selector'], style: {color: '#ff92d0'}},
    {types: ['punctuation', 'operator', 'symbol'], style: {color: '#f8f8f2'}},
    {types: ['constant', 'builtin', 'number', 'boolean'], style: {color: '#d0b5fb'}},
    {types: ['keyword', 'variable'], style: {color: '#d0b5fb', fontStyle: 'italic'}},
    {types: ['atrule', 'attr-name', 'key', 'property'], style: {color: '#8be9fd'}},
    {types: ['function', 'class-name', 'function-variable', 'inserted'], style: {color: '#50fa7b'}},
    {types: ['deleted'], style: {color: '#ff9a9a'}},
    {types: ['changed', 'regex'], style: {color: '#ffb86c'}},
    {types: ['important', 'bold'], style: {fontWeight: 'bold'}},
  ],
};
