// The only ways two clusters of the fleet may differ once Flux has rendered them.
// Anything else that differs fails test/static/promotion.test.ts with the diff.
//
// Paths are the flattened field paths promotion.ts prints: dots between fields, list items by
// their name ([demo-app]) or index, map keys with dots in brackets (["app.kubernetes.io/version"]),
// and JSON documents held in a string (a ConfigMap's config.json) flattened into ("config.json").
// A `*` matches any run of characters.

export interface AllowedDifference {
  /** Kind/namespace/name of the object (ConfigMap generator hashes removed). */
  object: string;
  path: string;
  why: string;
}

export interface ClusterPair {
  a: string;
  b: string;
  allowed: readonly AllowedDifference[];
}

const RELEASE = 'the release each environment runs: apps/<env>/demo-app-version.yaml, the promotion file';
const SIZE = 'how big the environment runs the app: apps/<env>/demo-app-size.yaml';
const IDENTITY = "the cluster's identity: clusters/<cluster>/cluster-identity.yaml, substituted by Flux";

/** The cluster-identity ConfigMap and what Flux substitutes from it. */
const identity = (keys: string[]): AllowedDifference[] => [
  ...keys.map((k) => ({ object: 'ConfigMap/flux-system/cluster-identity', path: `data.${k}`, why: IDENTITY })),
  ...keys
    .map((k) => ({ cluster_name: 'cluster', cluster_env: 'environment', cluster_region: 'region' })[k])
    .filter((k): k is string => Boolean(k))
    .map((field) => ({ object: 'ConfigMap/demo-app/demo-app-config', path: `data.("config.json").${field}`, why: IDENTITY })),
  { object: 'Kustomization/flux-system/flux-system', path: 'spec.path', why: 'each cluster syncs its own folder, clusters/<cluster>' },
];

export const PROMOTION_PAIRS: readonly ClusterPair[] = [
  {
    a: 'staging',
    b: 'production',
    allowed: [
      ...identity(['cluster_name', 'cluster_env', 'cluster_region']),
      { object: 'Kustomization/flux-system/apps', path: 'spec.path', why: 'each environment type has its overlay, apps/<env>' },
      { object: 'Deployment/demo-app/demo-app', path: 'spec.template.spec.containers[demo-app].image', why: RELEASE },
      { object: 'Deployment/demo-app/demo-app', path: 'metadata.labels["app.kubernetes.io/version"]', why: RELEASE },
      { object: 'Deployment/demo-app/demo-app', path: 'spec.template.metadata.labels["app.kubernetes.io/version"]', why: RELEASE },
      { object: 'Deployment/demo-app/demo-app', path: 'metadata.annotations["gitops-field-guide.dev/commit"]', why: RELEASE },
      { object: 'Deployment/demo-app/demo-app', path: 'spec.template.metadata.annotations["gitops-field-guide.dev/commit"]', why: RELEASE },
      { object: 'Deployment/demo-app/demo-app', path: 'spec.template.spec.containers[demo-app].resources.*', why: SIZE },
      { object: 'HorizontalPodAutoscaler/demo-app/demo-app', path: 'spec.minReplicas', why: SIZE },
      { object: 'HorizontalPodAutoscaler/demo-app/demo-app', path: 'spec.maxReplicas', why: SIZE },
    ],
  },
  {
    // A second cluster of the production type: the same everything but who it is.
    a: 'production',
    b: 'production-eu',
    allowed: identity(['cluster_name', 'cluster_region']),
  },
];
