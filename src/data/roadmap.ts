// The platform roadmap: each layer, the examples/ folder that declares it and the test tier
// that verifies it. docs/check/platform-roadmap.mdx renders this list.
//
// Only claim what exists: a layer is `present` when its example paths are in the tree (the
// data test checks them), and a `planned` layer claims no verifying tier.
import type {DocId} from './checklists';

/** The harness tiers that deploy or check examples (see test/runner/tiers.ts). */
export type Tier = 'static' | 'local' | 'kind';

export const tierNames: Record<Tier, string> = {
  static: 'static (parse, kustomize build, schemas, policy)',
  local: 'local live (kube-apiserver + kwok nodes + Flux controllers as processes)',
  kind: 'kind (a real cluster in containers)',
};

export interface RoadmapLayer {
  id: string;
  layer: string;
  /** The tools that implement it in this guide. */
  tools: string;
  examples: string[];
  tiers: Tier[];
  status: 'present' | 'planned';
  /** One sentence on scope, limits or what is still missing. */
  note: string;
  page?: {id: DocId; anchor?: string};
}

export const roadmap: RoadmapLayer[] = [
  {
    id: 'gitops-engine',
    layer: 'GitOps engine and fleet',
    tools: 'Flux (source, kustomize, helm and notification controllers)',
    examples: ['examples/fleet/clusters', 'examples/fleet/infrastructure'],
    tiers: ['static', 'local', 'kind'],
    status: 'present',
    note: 'Four clusters (development, staging, production, production-eu) reconcile infrastructure, then configuration, then apps.',
    page: {id: 'understand/topics/flux-workflows'},
  },
  {
    id: 'demo-app',
    layer: 'Demo application',
    tools: 'TypeScript service with probes, metrics, JSON logs, tracing, graceful shutdown',
    examples: ['examples/demo-app', 'examples/fleet/apps'],
    tiers: ['static', 'local', 'kind'],
    status: 'present',
    note: 'The app’s own tests run the real process; its manifests are deployed by the fleet.',
    page: {id: 'understand/topics/laptop-to-production'},
  },
  {
    id: 'tenancy',
    layer: 'Tenancy and guard rails',
    tools: 'Namespaces with Pod Security Admission, NetworkPolicies, ResourceQuota and LimitRange (a local Helm chart)',
    examples: ['examples/fleet/infrastructure/controllers', 'examples/fleet/infrastructure/configs', 'examples/fleet/charts/baseline'],
    tiers: ['static', 'local', 'kind'],
    status: 'present',
    note: 'Applied to every cluster before any app, through the dependsOn chain.',
    page: {id: 'understand/topics/repository-layouts'},
  },
  {
    id: 'metrics',
    layer: 'Metrics and alerting',
    tools: 'kube-prometheus-stack (Prometheus Operator, Alertmanager, Grafana)',
    examples: [],
    tiers: [],
    status: 'planned',
    note: 'Needs admission webhooks and CRDs, so it belongs to the static and kind tiers only.',
    page: {id: 'understand/topics/monitoring-and-alerting'},
  },
  {
    id: 'app-monitoring',
    layer: 'Application monitoring',
    tools: 'ServiceMonitor and PrometheusRule shipped with the demo app',
    examples: [],
    tiers: [],
    status: 'planned',
    note: 'Needs the prometheus-operator CRDs.',
    page: {id: 'understand/topics/monitoring-and-alerting'},
  },
  {
    id: 'logs',
    layer: 'Logs',
    tools: 'A log agent and store (Fluent Bit or the OpenTelemetry Collector, with Loki)',
    examples: [],
    tiers: [],
    status: 'planned',
    note: 'The demo app already writes JSON lines to stdout; the collecting side is not declared yet.',
    page: {id: 'understand/topics/monitoring-and-alerting'},
  },
  {
    id: 'traces',
    layer: 'Traces',
    tools: 'OpenTelemetry SDK in the app; a collector and trace store on the platform',
    examples: [],
    tiers: [],
    status: 'planned',
    note: 'The app exports OTLP when given an endpoint; no trace backend is declared yet.',
    page: {id: 'understand/topics/monitoring-and-alerting'},
  },
  {
    id: 'databases',
    layer: 'Databases through an operator',
    tools: 'CloudNativePG',
    examples: [],
    tiers: [],
    status: 'planned',
    note: 'Operator installed as a HelmRelease; a Cluster resource is the self-service unit.',
    page: {id: 'understand/topics/operators-self-service'},
  },
  {
    id: 'brokers',
    layer: 'Message brokers through an operator',
    tools: 'Strimzi (Kafka)',
    examples: [],
    tiers: [],
    status: 'planned',
    note: 'Operator installed as a HelmRelease; Kafka and KafkaTopic resources are the self-service units.',
    page: {id: 'understand/topics/operators-self-service'},
  },
  {
    id: 'ingress',
    layer: 'Ingress',
    tools: 'ingress-nginx (retired upstream in March 2026); Gateway API is the successor',
    examples: [],
    tiers: [],
    status: 'planned',
    note: 'Its admission webhook keeps it out of the local tier.',
  },
  {
    id: 'certificates',
    layer: 'Certificates',
    tools: 'cert-manager with a self-signed issuer locally',
    examples: [],
    tiers: [],
    status: 'planned',
    note: 'Its webhook keeps it out of the local tier.',
  },
  {
    id: 'secrets',
    layer: 'Secrets',
    tools: 'SOPS with age (decrypted by Flux) and External Secrets Operator',
    examples: [],
    tiers: [],
    status: 'planned',
    note: 'SOPS needs nothing in the cluster but a key; External Secrets needs a webhook.',
    page: {id: 'understand/topics/kubernetes-for-app-developers', anchor: 'configmaps-and-secrets'},
  },
  {
    id: 'crossplane',
    layer: 'Cloud infrastructure from the cluster',
    tools: 'Crossplane',
    examples: [],
    tiers: [],
    status: 'planned',
    note: 'Only the install and an XRD can be checked offline; real cloud resources are out of reach of the harness.',
    page: {id: 'understand/topics/external-infrastructure'},
  },
  {
    id: 'multi-cluster',
    layer: 'Multi-cluster',
    tools: 'One fleet repository, one entry folder per cluster; two clusters of the production type',
    examples: ['examples/fleet/clusters/production', 'examples/fleet/clusters/production-eu'],
    tiers: ['static', 'local'],
    status: 'present',
    note: 'The static tier proves production-eu equals production except for its identity; the live tier bootstraps each cluster folder.',
    page: {id: 'understand/topics/repository-layouts'},
  },
  {
    id: 'promotion-multi-repo',
    layer: 'Promotion across repositories',
    tools: 'A tagged release repository; each environment accepts a branch, a semantic-version range or one exact tag',
    examples: ['examples/promotion/multi-repo'],
    tiers: ['static'],
    status: 'present',
    note: 'The static tier checks each environment’s ref and which tag each range selects; a live scenario against real tags is planned. The mono-repo promotion is in examples/fleet/apps.',
    page: {id: 'understand/topics/promotion-velocity'},
  },
  {
    id: 'ephemeral',
    layer: 'Ephemeral environments',
    tools: 'A preview environment per branch: one generated file turns a branch into a namespace, quota, source and app',
    examples: ['examples/ephemeral'],
    tiers: ['static'],
    status: 'present',
    note: 'The static tier renders every preview and checks the generator script; a live create-and-delete scenario and whole ephemeral clusters are planned.',
    page: {id: 'understand/topics/ephemeral-clusters'},
  },
];
