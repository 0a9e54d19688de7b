// Every goal of the whitepaper's goals checklist, rewritten for this guide, with the page that
// covers it and the examples that prove it. docs/check/goals.mdx renders this list.
//
// Kept as data so that a later "verification status" page can join each goal's `examples`
// with the harness's test results (a test names the example paths it exercises).
// src/data/data.test.ts checks that every page id is a doc and every example path exists.

import type {DocId} from './checklists';

export type GoalGroup = 'concepts' | 'kubernetes' | 'application' | 'platform' | 'summary';

export interface Goal {
  /** Stable id, used as the row anchor and as the join key for verification results. */
  id: string;
  group: GoalGroup;
  /** Parent goal id for sub-goals. */
  parent?: string;
  /** The goal, in this guide's words. */
  text: string;
  /** What the original checklist said about it: covered, partly covered, or open. */
  whitepaper: 'done' | 'partial' | 'open';
  /** The page (doc id) that covers it, with an optional heading anchor. */
  page: {id: DocId; anchor?: string};
  /** Paths under examples/ that prove it. Empty when the goal is about ideas, not files. */
  examples: string[];
  /** Shown when `examples` is empty: where else the proof lives, or what is still planned. */
  note?: string;
}

export const goalGroups: {id: GoalGroup; title: string}[] = [
  {id: 'concepts', title: 'Shared concepts'},
  {id: 'kubernetes', title: 'Kubernetes and delivery'},
  {id: 'application', title: 'Applications'},
  {id: 'platform', title: 'Platform'},
  {id: 'summary', title: 'Summary and costs'},
];

const T = 'understand/topics/';

export const goals: Goal[] = [
  // Shared concepts
  {
    id: 'concepts',
    group: 'concepts',
    text: 'Set down the core ideas and common practice of GitOps so readers share one vocabulary.',
    whitepaper: 'open',
    page: {id: 'understand/what-is-gitops'},
    examples: [],
  },
  {
    id: 'what-is-gitops',
    group: 'concepts',
    parent: 'concepts',
    text: 'Define GitOps.',
    whitepaper: 'done',
    page: {id: 'understand/what-is-gitops'},
    examples: ['examples/fleet/clusters'],
  },
  {
    id: 'push-vs-pull',
    group: 'concepts',
    parent: 'concepts',
    text: 'Compare delivery by pushing from a pipeline with delivery by an agent that pulls.',
    whitepaper: 'done',
    page: {id: 'understand/push-versus-pull'},
    examples: [],
  },
  {
    id: 'kubernetes-role',
    group: 'concepts',
    parent: 'concepts',
    text: 'Explain what Kubernetes does, what it leaves to you, and its place in a GitOps setup.',
    whitepaper: 'done',
    page: {id: 'understand/kubernetes'},
    examples: [],
  },
  {
    id: 'alternatives',
    group: 'concepts',
    parent: 'concepts',
    text: 'Describe the alternatives for teams that should not run Kubernetes.',
    whitepaper: 'partial',
    page: {id: 'understand/if-not-kubernetes'},
    examples: [],
  },
  // Kubernetes and delivery
  {
    id: 'tooling-comparison',
    group: 'kubernetes',
    text: 'Compare the delivery and promotion tools of the Kubernetes ecosystem.',
    whitepaper: 'open',
    page: {id: `${T}tooling-comparison`},
    examples: [],
    note: 'A comparison of ideas and versions; nothing to deploy.',
  },
  {
    id: 'repository-layouts',
    group: 'kubernetes',
    text: 'Weigh the ways of laying out GitOps repositories against each other.',
    whitepaper: 'partial',
    page: {id: `${T}repository-layouts`},
    examples: ['examples/fleet', 'examples/promotion/multi-repo'],
  },
  {
    id: 'flux-workflows',
    group: 'kubernetes',
    text: 'Show the everyday Flux workflows, how they work, and the concrete results each one gives.',
    whitepaper: 'open',
    page: {id: `${T}flux-workflows`},
    examples: ['examples/fleet/clusters'],
  },
  {
    id: 'promotion-velocity',
    group: 'kubernetes',
    text: 'Make moving a change from one cluster to the next faster.',
    whitepaper: 'open',
    page: {id: `${T}promotion-velocity`},
    examples: ['examples/fleet/apps', 'examples/promotion/multi-repo'],
  },
  {
    id: 'change-confidence',
    group: 'kubernetes',
    text: 'Raise confidence in proposed changes so that each change costs less.',
    whitepaper: 'open',
    page: {id: `${T}confidence-and-qa`},
    examples: [],
    note: 'The proof is the harness: the static tier and the broken inputs in test/fixtures/ it must reject.',
  },
  {
    id: 'ephemeral-upgrade-canary',
    group: 'kubernetes',
    text: 'Use short-lived clusters to try new Kubernetes versions first, as a canary for upgrades.',
    whitepaper: 'open',
    page: {id: `${T}ephemeral-clusters`, anchor: 'the-upgrade-canary'},
    examples: [],
    note: '`npm run canary` (harness/canary/) bootstraps every fleet cluster on each pinned Kubernetes minor (1.35 to 1.37, harness/toolchain/versions.ts) and reports deprecated or removed APIs the examples use.',
  },
  {
    id: 'local-clusters',
    group: 'kubernetes',
    text: 'Document local clusters, with the emphasis on running one component at a time in isolation.',
    whitepaper: 'open',
    page: {id: `${T}local-clusters-and-fast-feedback`},
    examples: [],
    note: 'The proof is the harness itself: harness/cluster/ starts the Docker-free local tier every live test runs on.',
  },
  // Applications
  {
    id: 'qa-role',
    group: 'application',
    text: 'Show how quality assurance raises confidence in the change process.',
    whitepaper: 'open',
    page: {id: `${T}confidence-and-qa`, anchor: 'where-qa-fits'},
    examples: [],
    note: 'A page about practice; the harness tiers are its worked example.',
  },
  {
    id: 'container-lifecycle',
    group: 'application',
    text: 'Describe a complete development lifecycle in which the container image is the unit of delivery.',
    whitepaper: 'open',
    page: {id: `${T}container-lifecycle`},
    examples: ['examples/demo-app'],
  },
  {
    id: 'example-project',
    group: 'application',
    text: 'Take one working project from a laptop through each environment to production.',
    whitepaper: 'open',
    page: {id: `${T}laptop-to-production`},
    examples: ['examples/demo-app', 'examples/fleet/apps'],
  },
  {
    id: 'app-abstractions',
    group: 'application',
    text: 'List the Kubernetes features an application should use to fit the platform well.',
    whitepaper: 'open',
    page: {id: `${T}kubernetes-for-app-developers`},
    examples: ['examples/demo-app'],
  },
  {
    id: 'fast-feedback',
    group: 'application',
    text: 'Survey the tools that shorten a developer’s feedback loop.',
    whitepaper: 'open',
    page: {id: `${T}local-clusters-and-fast-feedback`, anchor: 'fast-feedback-tools'},
    examples: [],
    note: 'A survey of tools; nothing to deploy.',
  },
  // Platform
  {
    id: 'external-infrastructure',
    group: 'platform',
    text: 'Weigh the options for managing infrastructure outside the cluster from inside Kubernetes.',
    whitepaper: 'open',
    page: {id: `${T}external-infrastructure`},
    examples: ['examples/platform/controllers/crossplane.yaml'],
  },
  {
    id: 'monitoring-alerting',
    group: 'platform',
    text: 'Set out a monitoring and alerting strategy.',
    whitepaper: 'open',
    page: {id: `${T}monitoring-and-alerting`},
    examples: ['examples/demo-app/deploy/monitoring', 'examples/platform/controllers/kube-prometheus-stack.yaml'],
  },
  {
    id: 'operators',
    group: 'platform',
    text: 'Explain operators as opinionated bundles that developers can order for themselves.',
    whitepaper: 'open',
    page: {id: `${T}operators-self-service`},
    examples: ['examples/platform/controllers/cloudnative-pg.yaml', 'examples/platform/controllers/strimzi.yaml', 'examples/platform/configs/postgres-cluster.yaml'],
  },
  {
    id: 'self-service-clusters',
    group: 'platform',
    text: 'Offer self-service pipelines that take the toil out of creating temporary clusters.',
    whitepaper: 'open',
    page: {id: `${T}ephemeral-clusters`, anchor: 'self-service-temporary-clusters'},
    examples: ['examples/ephemeral'],
  },
  {
    id: 'cluster-tools-survey',
    group: 'platform',
    text: 'Evaluate eksctl, the Downward API and cloud metadata services, and the Terraform (now OpenTofu) controller.',
    whitepaper: 'open',
    page: {id: `${T}external-infrastructure`, anchor: 'the-tools'},
    examples: [],
    note: 'An evaluation; the cloud tools need a cloud account the harness does not have.',
  },
  {
    id: 'cluster-as-center',
    group: 'platform',
    parent: 'cluster-tools-survey',
    text: 'Decide whether the cluster should be the center of the platform in a cloud account.',
    whitepaper: 'open',
    page: {id: `${T}external-infrastructure`, anchor: 'should-the-cluster-be-the-center'},
    examples: [],
    note: 'An architectural position; nothing to deploy.',
  },
  {
    id: 'cluster-context',
    group: 'platform',
    parent: 'cluster-tools-survey',
    text: 'If it is, explain how the cluster learns about its surroundings, such as its network and region, and what that means for reaching other resources.',
    whitepaper: 'open',
    page: {id: `${T}external-infrastructure`, anchor: 'how-a-cluster-learns-its-surroundings'},
    examples: ['examples/fleet/clusters/staging/cluster-identity.yaml'],
  },
  {
    id: 'sever-dependencies',
    group: 'platform',
    parent: 'cluster-tools-survey',
    text: 'If it is not, cut the dependency chain cleanly so an application simply refuses to start when what it needs is unreachable.',
    whitepaper: 'open',
    page: {id: `${T}external-infrastructure`, anchor: 'failing-fast-and-failing-well'},
    examples: ['examples/demo-app/src/config.ts'],
  },
  // Summary and costs
  {
    id: 'cost-to-adopt',
    group: 'summary',
    text: 'Estimate what adopting this approach costs.',
    whitepaper: 'open',
    page: {id: `${T}cost-of-adoption`},
    examples: [],
    note: 'A worked estimate with stated assumptions.',
  },
  {
    id: 'cost-not-to-adopt',
    group: 'summary',
    text: 'Estimate what not adopting it costs.',
    whitepaper: 'open',
    page: {id: `${T}cost-of-adoption`, anchor: 'the-cost-of-not-adopting'},
    examples: [],
    note: 'A worked estimate with stated assumptions.',
  },
];
