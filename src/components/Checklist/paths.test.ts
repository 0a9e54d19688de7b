import {test} from 'node:test';
import assert from 'node:assert/strict';
import {looksLikeFolder, sourceUrl} from './paths';

test('folders link to tree/, files to blob/', () => {
  assert.equal(sourceUrl('org', 'repo', 'examples/fleet'), 'https://github.com/org/repo/tree/main/examples/fleet');
  assert.equal(sourceUrl('org', 'repo', 'examples/fleet/'), 'https://github.com/org/repo/tree/main/examples/fleet');
  assert.equal(
    sourceUrl('org', 'repo', 'examples/demo-app/deploy/monitoring/rules.yaml'),
    'https://github.com/org/repo/blob/main/examples/demo-app/deploy/monitoring/rules.yaml',
  );
});

test('leading ./ is ignored, parent segments are refused', () => {
  assert.equal(sourceUrl('o', 'r', './examples/a.yaml'), 'https://github.com/o/r/blob/main/examples/a.yaml');
  assert.throws(() => sourceUrl('o', 'r', 'examples/../secrets.txt'), /not a plain path/);
});

test('looksLikeFolder treats dotfiles-with-extension as files and plain names as folders', () => {
  assert.equal(looksLikeFolder('examples/demo-app'), true);
  assert.equal(looksLikeFolder('examples/demo-app/Dockerfile'), true); // no extension: linked as tree, GitHub redirects
  assert.equal(looksLikeFolder('examples/x/kustomization.yaml'), false);
});
