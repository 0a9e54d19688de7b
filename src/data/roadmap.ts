// The platform roadmap: each layer, the examples/ folder that declares it and the test tier
// that verifies it. docs/check/platform-roadmap.mdx renders this list.
//
// Only claim what exists: a layer is `present` when its example paths are in the tree (the
// data test checks them), and a `planned` layer claims no verifying tier.
import type {DocId} from './checklists';

/** The harness tiers that deploy or check examples (see harness/runner/tiers.ts). */
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
    examples: ['examples/platform/controllers/kube-prometheus-stack.yaml'],
    tiers: ['static'],
    status: 'present',
    note: 'A HelmRelease with an exact chart version; its webhooks and CRDs keep it off the local tier, and live verification on kind is planned.',
    page: {id: 'understand/topics/monitoring-and-alerting'},
  },
  {
    id: 'app-monitoring',
    layer: 'Application monitoring',
    tools: 'ServiceMonitor and PrometheusRule shipped with the demo app',
    examples: ['examples/demo-app/deploy/monitoring'],
    tiers: ['static'],
    status: 'present',
    note: 'Validated by the static tier; the demo app’s own tests check that every alert uses a metric the app exposes and has a runbook link.',
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
    examples: ['examples/platform/controllers/cloudnative-pg.yaml', 'examples/platform/configs/postgres-cluster.yaml'],
    tiers: ['static'],
    status: 'present',
    note: 'The operator as a HelmRelease and a three-instance PostgreSQL Cluster as the self-service unit; the Cluster’s CRD ships inside the chart, so offline it is parsed but has no schema to validate against, and live verification on kind is planned.',
    page: {id: 'understand/topics/operators-self-service'},
  },
  {
    id: 'brokers',
    layer: 'Message brokers through an operator',
    tools: 'Strimzi (Kafka)',
    examples: ['examples/platform/controllers/strimzi.yaml'],
    tiers: ['static'],
    status: 'present',
    note: 'The operator as a HelmRelease; a Kafka cluster and topics as self-service units are planned, and live verification on kind is planned.',
    page: {id: 'understand/topics/operators-self-service'},
  },
  {
    id: 'ingress',
    layer: 'Ingress',
    tools: 'ingress-nginx (retired upstream in March 2026); Gateway API is the successor',
    examples: ['examples/platform/controllers/ingress-nginx.yaml'],
    tiers: ['static'],
    status: 'present',
    note: 'Still the only ingress example, because the original roadmap names it and many clusters still run it; pinned to one of its last releases, it gets no fixes after its March 2026 retirement. New platforms should pick a Gateway API implementation instead; an example of one is planned.',
  },
  {
    id: 'certificates',
    layer: 'Certificates',
    tools: 'cert-manager with a self-signed issuer locally',
    examples: ['examples/platform/controllers/cert-manager.yaml', 'examples/platform/configs/cluster-issuer.yaml'],
    tiers: ['static'],
    status: 'present',
    note: 'cert-manager from its OCI chart and a self-signed ClusterIssuer; live verification on kind is planned.',
  },
  {
    id: 'secrets',
    layer: 'Secrets',
    tools: 'SOPS with age (decrypted by Flux) and External Secrets Operator',
    examples: ['examples/secrets', 'examples/platform/controllers/external-secrets.yaml'],
    tiers: ['static', 'local', 'kind'],
    status: 'present',
    note: 'The static tier encrypts a generated Secret with SOPS and age, checks the policy rejects plaintext and that it decrypts only with the key; the SOPS tutorial has a live kustomize-controller decrypt it, on the local tier and on kind. External Secrets is verified statically only.',
    page: {id: 'understand/topics/kubernetes-for-app-developers', anchor: 'configmaps-and-secrets'},
  },
  {
    id: 'crossplane',
    layer: 'Cloud infrastructure from the cluster',
    tools: 'Crossplane',
    examples: ['examples/platform/controllers/crossplane.yaml'],
    tiers: ['static'],
    status: 'present',
    note: 'The install only; compositions and real cloud resources are beyond what the harness can reach.',
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
    tiers: ['static', 'local', 'kind'],
    status: 'present',
    note: 'The static tier checks each environment’s ref and which tag each range selects; the multi-repo promotion tutorial runs it against real tags on the local tier and on kind. The mono-repo promotion is in examples/fleet/apps.',
    page: {id: 'understand/topics/promotion-velocity'},
  },
  {
    id: 'ephemeral',
    layer: 'Ephemeral environments',
    tools: 'A preview environment per branch: one generated file turns a branch into a namespace, quota, source and app',
    examples: ['examples/ephemeral'],
    tiers: ['static', 'local', 'kind'],
    status: 'present',
    note: 'The static tier renders every preview and checks the generator script; a live scenario and the ephemeral-environment tutorial create and delete a preview on the local tier and on kind. Whole ephemeral clusters are planned.',
    page: {id: 'understand/topics/ephemeral-clusters'},
  },
];
