// Runs in Node.js at build time: no browser APIs or JSX here.
import type {Config} from '@docusaurus/types';
import type * as Preset from '@docusaurus/preset-classic';
import type {PluginOptions as SearchOptions} from '@easyops-cn/docusaurus-search-local';
import remarkExampleFile from './src/remark/example-file';
import remarkScenario from './src/remark/scenario';
import remarkTutorialOutput from './src/remark/tutorial-output';
import remarkInputsCachePlugin from './src/plugins/remark-inputs-cache';
import esmPackageCompatPlugin from './src/plugins/esm-package-compat';
import verificationStatusPlugin from './src/components/VerificationStatus/plugin';
import {darkCodeTheme, lightCodeTheme} from './src/prism-themes';
import {siteLocation} from './contracts/site-location';

const location = siteLocation();
const repoUrl = `https://github.com/${location.organizationName}/${location.projectName}`;

// Docs live at the site root (/understand, /do, /check); the home page is src/pages/index.tsx.
const docsRouteBasePath = '/';

const config: Config = {
  title: 'GitOps Field Guide',
  tagline: 'GitOps with Flux on Kubernetes, where every example is deployed and checked by tests.',
  favicon: 'img/logo.svg',

  future: {
    v4: true,
    faster: true,
  },

  url: location.url,
  baseUrl: location.baseUrl,
  organizationName: location.organizationName,
  projectName: location.projectName,
  // GitHub Pages serves /page/ from page/index.html; with a trailing slash
  // every URL maps to a directory and no redirect is needed.
  trailingSlash: true,

  onBrokenLinks: 'throw',
  onBrokenAnchors: 'throw',

  markdown: {
    mermaid: true,
    hooks: {
      onBrokenMarkdownLinks: 'throw',
      onBrokenMarkdownImages: 'throw',
    },
  },

  i18n: {
    defaultLocale: 'en',
    locales: ['en'],
  },

  presets: [
    [
      'classic',
      {
        docs: {
          routeBasePath: docsRouteBasePath,
          sidebarPath: './sidebars.ts',
          editUrl: `${repoUrl}/edit/main/`,
          remarkPlugins: [remarkExampleFile, remarkScenario, remarkTutorialOutput],
        },
        blog: false,
        theme: {
          customCss: './src/css/custom.css',
        },
        sitemap: {
          lastmod: null,
          changefreq: null,
          priority: null,
        },
      } satisfies Preset.Options,
    ],
  ],

  themes: [
    '@docusaurus/theme-mermaid',
    [
      '@easyops-cn/docusaurus-search-local',
      {
        // A content hash in the index file name lets browsers cache it safely.
        hashed: true,
        indexDocs: true,
        indexBlog: false,
        indexPages: false,
        docsRouteBasePath,
        language: ['en'],
        highlightSearchTermsOnTargetPage: false,
        explicitSearchResultPath: true,
        // The "ctrl K" hint fails WCAG contrast; the shortcut itself still works.
        searchBarShortcutHint: false,
      } satisfies SearchOptions,
    ],
  ],

  plugins: [remarkInputsCachePlugin, esmPackageCompatPlugin, verificationStatusPlugin],

  themeConfig: {
    image: 'img/social-card.png',
    metadata: [{name: 'keywords', content: 'GitOps, Flux, Kubernetes, continuous delivery, promotion'}],
    colorMode: {
      defaultMode: 'light',
      respectPrefersColorScheme: true,
    },
    docs: {
      sidebar: {hideable: true},
    },
    navbar: {
      title: 'GitOps Field Guide',
      logo: {
        alt: 'GitOps Field Guide logo',
        src: 'img/logo.svg',
        width: 32,
        height: 32,
      },
      items: [
        {type: 'docSidebar', sidebarId: 'understand', position: 'left', label: 'Understand'},
        {type: 'docSidebar', sidebarId: 'do', position: 'left', label: 'Do'},
        {type: 'docSidebar', sidebarId: 'check', position: 'left', label: 'Check'},
        {href: repoUrl, label: 'GitHub', position: 'right'},
      ],
    },
    footer: {
      style: 'dark',
      links: [
        {label: 'How pages show tested files', to: '/check/example-file-mechanism'},
        {label: 'Source on GitHub', href: repoUrl},
      ],
      copyright: `GitOps Field Guide. Every example on this site is run by the project's test suite.`,
    },
    prism: {
      theme: lightCodeTheme,
      darkTheme: darkCodeTheme,
      // Only what the pages show: every grammar ships in the main bundle.
      additionalLanguages: ['bash', 'docker', 'json', 'yaml', 'diff'],
    },
  } satisfies Preset.ThemeConfig,
};

export default config;
