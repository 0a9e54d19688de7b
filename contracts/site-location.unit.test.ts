import {test} from 'node:test';
import assert from 'node:assert/strict';
import {normalizeBaseUrl, siteLocation} from './site-location';

test('defaults describe the project site on GitHub Pages', () => {
  assert.deepEqual(siteLocation({}), {
    url: 'https://gitops-field-guide.github.io',
    baseUrl: '/gitops-field-guide/',
    organizationName: 'gitops-field-guide',
    projectName: 'gitops-field-guide',
  });
});

test('a fork follows GITHUB_ORG and GITHUB_REPO', () => {
  const location = siteLocation({GITHUB_ORG: 'acme', GITHUB_REPO: 'guide'});
  assert.equal(location.url, 'https://acme.github.io');
  assert.equal(location.baseUrl, '/guide/');
});

test('configure-pages output: a base_url with a path and an explicit base_path', () => {
  const fromUrl = siteLocation({SITE_URL: 'https://acme.github.io/guide'});
  assert.equal(fromUrl.url, 'https://acme.github.io');
  assert.equal(fromUrl.baseUrl, '/guide/');
  const customDomain = siteLocation({SITE_URL: 'https://gitops.example.org', BASE_URL: ''});
  assert.equal(customDomain.url, 'https://gitops.example.org');
  assert.equal(customDomain.baseUrl, '/');
});

test('normalizeBaseUrl puts exactly one slash at each end', () => {
  assert.equal(normalizeBaseUrl(''), '/');
  assert.equal(normalizeBaseUrl('/'), '/');
  assert.equal(normalizeBaseUrl('guide'), '/guide/');
  assert.equal(normalizeBaseUrl('//a/b//'), '/a/b/');
});
