// The production-readiness checklists shown on docs/check/application-checklist.mdx and
// docs/check/cluster-checklist.mdx, as typed data.
//
// Each item says what to do, why it matters and how, and points at proof:
// - `example`: a path under examples/ (file or folder) that shows it; the site links it to the
//   GitHub source. src/data/data.test.ts fails when a path does not exist in the working tree.
// - `page`: the doc id of the page that explains it (docs/<id>.mdx); also checked by the test.
// Items whose example is not in the tree yet leave `example` out; the page then says so.

/** A doc id as Docusaurus derives it from the file path under docs/ (no extension). */
export type DocId = string;

export interface ChecklistItem {
  /** Stable id: used in localStorage and in share links, so never rename a published one. */
  id: string;
  title: string;
  /** Why it matters: the failure you avoid. */
  why: string;
  /** How to do it, in one or two sentences. */
  how: string;
  /** Path under examples/ that shows it (file or folder). */
  example?: string;
  /** Page that explains it, with an optional heading anchor. */
  page?: { id: DocId; anchor?: string };
  /** Where the item comes from: the 2018 talk notes, or added by this guide. */
  origin: 'talk' | 'added';
}

export interface ChecklistSection {
  title: string;
  items: ChecklistItem[];
}

export interface Checklist {
  /** Namespaces localStorage: lowercase letters, digits, dashes. */
  id: string;
  title: string;
  sections: ChecklistSection[];
}

const APP_PAGE = 'understand/topics/kubernetes-for-app-developers';
const MONITORING_PAGE = 'understand/topics/monitoring-and-alerting';

export const applicationChecklist: Checklist = {
  id: 'application',
  title: 'Application checklist',
  sections: [
    {
      title: 'Health and lifecycle',
      items: [
        {
          id: 'liveness-probe',
          title: 'Liveness probe that only fails when a restart would help',
          why: 'The kubelet restarts a container whose liveness probe fails. A probe that checks a database turns a database outage into a restart storm of every replica.',
          how: 'Serve a cheap endpoint (the demo app uses /healthz) that reports whether the process itself is wedged, and point livenessProbe at it with a generous failure threshold.',
          example: 'examples/fleet/apps/base/demo-app/deployment.yaml',
          page: { id: APP_PAGE, anchor: 'probes' },
          origin: 'talk',
        },
        {
          id: 'readiness-probe',
          title: 'Readiness probe that reflects whether the pod can serve',
          why: 'Only ready pods receive Service traffic. Without the probe, a pod that is still warming up or has lost its dependencies gets requests it will fail.',
          how: 'Serve a separate endpoint (/readyz) that checks what a request needs, and point readinessProbe at it. Readiness, not liveness, is the place to report a missing dependency.',
          example: 'examples/fleet/apps/base/demo-app/deployment.yaml',
          page: { id: APP_PAGE, anchor: 'probes' },
          origin: 'talk',
        },
        {
          id: 'startup-probe',
          title: 'Startup probe for slow starters',
          why: 'A slow first start (cache warm-up, migrations) can trip the liveness probe and loop the pod in CrashLoopBackOff before it ever serves.',
          how: 'Add a startupProbe with a budget (failureThreshold × periodSeconds) that covers the worst start; liveness and readiness begin only after it passes.',
          page: { id: APP_PAGE, anchor: 'probes' },
          origin: 'added',
        },
        {
          id: 'graceful-shutdown',
          title: 'Graceful shutdown on SIGTERM',
          why: 'Every rollout, node drain and scale-down stops pods. A process that dies mid-request turns routine operations into user-visible errors.',
          how: 'On SIGTERM, fail readiness, stop accepting connections, finish in-flight work, then exit before terminationGracePeriodSeconds runs out.',
          example: 'examples/demo-app/src/shutdown.ts',
          page: { id: APP_PAGE, anchor: 'graceful-shutdown' },
          origin: 'talk',
        },
        {
          id: 'dependency-backoff',
          title: 'Back off and retry when a dependency is missing',
          why: 'Dependencies restart too. Tight retry loops amplify an outage; giving up for good needs a human to recover.',
          how: 'Retry with exponential backoff and jitter, report not-ready while a required dependency is away, and decide per dependency whether the app should start without it.',
          page: { id: 'understand/topics/external-infrastructure', anchor: 'failing-fast-and-failing-well' },
          origin: 'talk',
        },
      ],
    },
    {
      title: 'Resources and availability',
      items: [
        {
          id: 'requests-limits',
          title: 'CPU and memory requests, and a memory limit',
          why: 'The scheduler places pods by their requests. Without them a node gets overcommitted and the first to be evicted or OOM-killed is hard to predict.',
          how: 'Set requests from measured use, set a memory limit, and think twice about CPU limits (they throttle even when the node is idle).',
          example: 'examples/fleet/apps/base/demo-app/deployment.yaml',
          page: { id: APP_PAGE, anchor: 'requests-and-limits' },
          origin: 'talk',
        },
        {
          id: 'pod-disruption-budget',
          title: 'PodDisruptionBudget',
          why: 'Node drains during upgrades evict pods. Without a budget, a drain may take every replica at once.',
          how: 'Run at least two replicas and add a PodDisruptionBudget with minAvailable (or maxUnavailable) that keeps the service up during voluntary disruptions.',
          example: 'examples/fleet/apps/base/demo-app/pdb.yaml',
          page: { id: APP_PAGE, anchor: 'poddisruptionbudget' },
          origin: 'added',
        },
        {
          id: 'autoscaling',
          title: 'Horizontal autoscaling on a meaningful signal',
          why: 'Fixed replica counts are either too many (cost) or too few (latency) most of the day.',
          how: 'Add a HorizontalPodAutoscaler on CPU or on a request-rate metric, and leave replicas out of the Deployment in Git so Flux and the autoscaler do not fight.',
          example: 'examples/fleet/apps/base/demo-app/hpa.yaml',
          page: { id: APP_PAGE, anchor: 'horizontalpodautoscaler' },
          origin: 'added',
        },
      ],
    },
    {
      title: 'Configuration',
      items: [
        {
          id: 'config-outside-image',
          title: 'Configuration outside the image, per environment',
          why: 'One image must run in every environment; baking settings in means rebuilding to promote, and what reaches production is no longer what was tested.',
          how: 'Keep settings in ConfigMaps generated by Kustomize per environment and mount them as files; a content hash in the name rolls pods when they change.',
          example: 'examples/fleet/apps/base/demo-app/kustomization.yaml',
          page: { id: APP_PAGE, anchor: 'configmaps-and-secrets' },
          origin: 'talk',
        },
        {
          id: 'config-reload',
          title: 'Reload configuration without a restart where it is safe',
          why: 'Restarting every pod for a log-level change is slow and risky; mounted ConfigMaps are updated in place by the kubelet.',
          how: 'Watch the mounted file (or poll it) and apply changes that are safe at run time; keep everything else behind a rollout.',
          example: 'examples/demo-app/src/config-watcher.ts',
          page: { id: APP_PAGE, anchor: 'configmaps-and-secrets' },
          origin: 'talk',
        },
        {
          id: 'secrets-not-in-plain-git',
          title: 'Secrets never in plain text in Git',
          why: 'Git history is forever and widely cloned; a leaked credential in it has to be rotated everywhere.',
          how: 'Commit secrets encrypted with SOPS (Flux decrypts them) or reference them from a vault through External Secrets.',
          example: 'examples/secrets',
          page: { id: APP_PAGE, anchor: 'configmaps-and-secrets' },
          origin: 'added',
        },
        {
          id: 'downward-api',
          title: 'Identity from the Downward API',
          why: 'Logs, metrics and traces need to say which pod, namespace and version produced them.',
          how: 'Inject the pod name, namespace, node and selected labels as environment variables or files through fieldRef and resourceFieldRef.',
          page: { id: APP_PAGE, anchor: 'downward-api' },
          origin: 'added',
        },
      ],
    },
    {
      title: 'Observability',
      items: [
        {
          id: 'structured-logs',
          title: 'Structured logs on stdout',
          why: 'The node collects stdout; anything written to files inside the container is lost with it, and free text is hard to query.',
          how: 'Write one JSON object per line to stdout with level, message, and the trace id of the current request.',
          example: 'examples/demo-app/src/logger.ts',
          page: { id: MONITORING_PAGE },
          origin: 'talk',
        },
        {
          id: 'metrics-endpoint',
          title: 'RED metrics and a ServiceMonitor',
          why: 'Rate, errors and duration per endpoint answer "is it working for users?" faster than any log search.',
          how: 'Expose Prometheus metrics on /metrics and ship a ServiceMonitor with the app so the platform scrapes it without a ticket.',
          example: 'examples/demo-app/deploy/monitoring/servicemonitor.yaml',
          page: { id: MONITORING_PAGE },
          origin: 'talk',
        },
        {
          id: 'alerts-with-app',
          title: 'Alerts that ship with the app',
          why: 'The team that changes the code knows what failure looks like; alerts kept elsewhere drift from the code they watch.',
          how: 'Keep a PrometheusRule next to the Deployment and alert on symptoms (error ratio, latency) rather than causes.',
          example: 'examples/demo-app/deploy/monitoring/prometheusrule.yaml',
          page: { id: MONITORING_PAGE },
          origin: 'talk',
        },
        {
          id: 'runbooks',
          title: 'A runbook link on every alert',
          why: 'An alert at night is answered by whoever is on call, not by its author.',
          how: 'Add a runbook_url annotation to each alert that points at a page saying what it means and what to try first.',
          example: 'examples/demo-app/deploy/monitoring/prometheusrule.yaml',
          page: { id: 'check/runbooks/demo-app' },
          origin: 'talk',
        },
        {
          id: 'tracing',
          title: 'Distributed tracing with propagated context',
          why: 'One slow request can cross several services; without a trace you guess which one is slow.',
          how: 'Instrument with OpenTelemetry, propagate the W3C traceparent header on every outgoing call, and export spans over OTLP.',
          example: 'examples/demo-app/src/tracing.ts',
          page: { id: MONITORING_PAGE },
          origin: 'talk',
        },
        {
          id: 'dashboard',
          title: 'A dashboard kept as code',
          why: 'A dashboard built by hand in a UI disappears with the cluster and cannot be reviewed.',
          how: 'Store the dashboard JSON in Git and let the Grafana sidecar load it from a labeled ConfigMap.',
          page: { id: MONITORING_PAGE },
          origin: 'talk',
        },
      ],
    },
    {
      title: 'Traceability and security',
      items: [
        {
          id: 'recommended-labels',
          title: 'The recommended app.kubernetes.io labels',
          why: 'Dashboards, policies, cost reports and kubectl selectors all need a consistent way to find "everything that belongs to this app".',
          how: 'Set app.kubernetes.io/name, instance, version, component and part-of through Kustomize labels so every object gets them.',
          example: 'examples/fleet/apps/base/demo-app/kustomization.yaml',
          page: { id: APP_PAGE, anchor: 'labels-and-annotations' },
          origin: 'talk',
        },
        {
          id: 'revision-labels',
          title: 'Map what runs back to the commit that built it',
          why: 'During an incident the first question is "what changed?"; a tag such as latest cannot answer it.',
          how: 'Tag images with the version and commit, set the OCI revision label at build time, and deploy by tag plus digest.',
          example: 'examples/fleet/apps/staging/demo-app-version.yaml',
          page: { id: 'understand/topics/container-lifecycle' },
          origin: 'talk',
        },
        {
          id: 'locked-down-runtime',
          title: 'A locked-down runtime',
          why: 'A compromised process with root, a writable file system and every capability has far more to work with.',
          how: 'Run as non-root with a read-only root file system, drop all capabilities, use the RuntimeDefault seccomp profile, and meet the restricted Pod Security Standard.',
          example: 'examples/fleet/infrastructure/controllers/namespaces.yaml',
          page: { id: APP_PAGE, anchor: 'security-context' },
          origin: 'talk',
        },
      ],
    },
  ],
};

const CLUSTER_TOOLS = 'understand/topics/operators-self-service';

export const clusterChecklist: Checklist = {
  id: 'cluster',
  title: 'Cluster checklist',
  sections: [
    {
      title: 'Delivery',
      items: [
        {
          id: 'build-pipeline',
          title: 'A build pipeline that tests and publishes images',
          why: 'Images built on laptops cannot be traced or reproduced.',
          how: 'CI builds on every change, runs the tests, and pushes an image tagged with version and commit. It stops there: it holds no cluster credentials.',
          example: 'examples/demo-app/Dockerfile',
          page: { id: 'understand/topics/container-lifecycle' },
          origin: 'talk',
        },
        {
          id: 'pull-based-delivery',
          title: 'Delivery by reconciliation from Git',
          why: 'A pipeline that pushes to clusters needs their credentials and only corrects drift when it runs.',
          how: 'Each cluster runs Flux and pulls its own desired state from the fleet repository; CI only changes Git.',
          example: 'examples/fleet/clusters/staging/flux-system/gotk-sync.yaml',
          page: { id: 'understand/topics/flux-workflows' },
          origin: 'talk',
        },
        {
          id: 'image-registry',
          title: 'A private registry with immutable tags',
          why: 'A tag that can be overwritten means the same manifest can run different code tomorrow.',
          how: 'Push to a registry you control, turn on tag immutability, and pin digests in production manifests.',
          page: { id: 'understand/topics/container-lifecycle' },
          origin: 'talk',
        },
        {
          id: 'image-scanning-signing',
          title: 'Image scanning, signing and verification',
          why: 'Known vulnerabilities ship silently unless something looks; unsigned artifacts can be swapped in transit.',
          how: 'Scan images in CI and on a schedule, sign them (cosign), and let the cluster verify signatures before it runs or reconciles them.',
          page: { id: 'understand/topics/confidence-and-qa' },
          origin: 'talk',
        },
        {
          id: 'admission-policy',
          title: 'Admission policy as code',
          why: 'Reviews miss things; a policy enforced by the API server does not.',
          how: 'Use ValidatingAdmissionPolicy (GA since Kubernetes 1.30) or a policy engine, kept in the fleet repository and tested in CI against known-bad fixtures.',
          page: { id: 'understand/topics/confidence-and-qa' },
          origin: 'added',
        },
        {
          id: 'progressive-delivery',
          title: 'Progressive delivery for risky services',
          why: 'A canary that takes a slice of traffic finds a bad release before all users do.',
          how: 'Use Flagger or Argo Rollouts to shift traffic step by step and roll back on failing metrics.',
          page: { id: 'understand/topics/tooling-comparison' },
          origin: 'talk',
        },
      ],
    },
    {
      title: 'Platform services',
      items: [
        {
          id: 'monitoring-stack',
          title: 'Metrics, dashboards and alert routing',
          why: 'Without a monitoring stack every other checklist item about metrics and alerts has nowhere to go.',
          how: 'Install kube-prometheus-stack (Prometheus Operator, Alertmanager, Grafana) as a HelmRelease and route alerts to the owning team.',
          example: 'examples/platform/controllers/kube-prometheus-stack.yaml',
          page: { id: MONITORING_PAGE },
          origin: 'talk',
        },
        {
          id: 'gitops-alerting',
          title: 'Alerts on the GitOps machinery itself',
          why: 'A Kustomization that has been failing for a day means production is a day behind Git, and nobody may notice.',
          how: 'Send Flux events to chat with notification-controller Alerts, and alert in Prometheus on resources that stay not ready.',
          example: 'examples/fleet/infrastructure',
          page: { id: MONITORING_PAGE },
          origin: 'added',
        },
        {
          id: 'log-pipeline',
          title: 'A log pipeline',
          why: 'Pod logs vanish with the pod; searching across replicas needs a central store.',
          how: 'Ship container logs with an agent such as Fluent Bit or the OpenTelemetry Collector to a store such as Loki or Elasticsearch.',
          page: { id: MONITORING_PAGE },
          origin: 'added',
        },
        {
          id: 'ingress',
          title: 'An ingress or Gateway API controller',
          why: 'Services need a managed way in from outside, with TLS and routing kept as code.',
          how: 'Run one controller per cluster from the fleet repository. The community ingress-nginx project was retired in March 2026: new platforms should start with a Gateway API implementation.',
          example: 'examples/platform/controllers/ingress-nginx.yaml',
          page: { id: 'check/platform-roadmap' },
          origin: 'talk',
        },
        {
          id: 'certificates',
          title: 'Automated certificates',
          why: 'Certificates expire on a schedule nobody remembers; an expired one is a full outage.',
          how: 'Run cert-manager with an issuer per environment (self-signed locally, ACME or an internal CA elsewhere).',
          example: 'examples/platform/configs/cluster-issuer.yaml',
          page: { id: 'check/platform-roadmap' },
          origin: 'added',
        },
        {
          id: 'secret-management',
          title: 'Secret management',
          why: 'Applications need credentials; copying them by hand between systems leaks them and stops rotation.',
          how: 'Decrypt SOPS-encrypted secrets with Flux, or sync them from a vault with External Secrets Operator.',
          example: 'examples/platform/controllers/external-secrets.yaml',
          page: { id: 'understand/topics/kubernetes-for-app-developers', anchor: 'configmaps-and-secrets' },
          origin: 'talk',
        },
        {
          id: 'self-service-data-services',
          title: 'Self-service databases and brokers through operators',
          why: 'The old service-catalog and broker approach is gone; teams still need a database without a ticket.',
          how: 'Offer operators such as CloudNativePG and Strimzi, or Crossplane compositions, with defaults the platform team has chosen.',
          example: 'examples/platform/configs/postgres-cluster.yaml',
          page: { id: CLUSTER_TOOLS },
          origin: 'talk',
        },
        {
          id: 'service-mesh-decision',
          title: 'A deliberate decision about a service mesh',
          why: 'A mesh brings mutual TLS and tracing without code changes, and also a second control plane to run and upgrade.',
          how: 'Write down whether you need it; if so, start with one feature (mTLS or traffic metrics) on one namespace.',
          page: { id: MONITORING_PAGE },
          origin: 'talk',
        },
      ],
    },
    {
      title: 'Operations',
      items: [
        {
          id: 'backups',
          title: 'Backups of data, tested by restoring',
          why: 'Git rebuilds the cluster configuration, not the data in its volumes and databases.',
          how: 'Back up databases with their operator (CloudNativePG to object storage) and volumes with a tool such as Velero, and restore into an ephemeral cluster on a schedule.',
          page: { id: 'understand/topics/ephemeral-clusters' },
          origin: 'added',
        },
        {
          id: 'upgrade-canary',
          title: 'Kubernetes upgrades rehearsed on an ephemeral cluster',
          why: 'API removals and behavior changes break things on the day of the upgrade if nobody looked earlier.',
          how: 'Start a throwaway cluster at the next minor version, point Flux at a branch of the fleet repository, and fix what fails before touching shared environments.',
          example: 'examples/ephemeral',
          page: { id: 'understand/topics/ephemeral-clusters' },
          origin: 'added',
        },
        {
          id: 'rebuild-from-git',
          title: 'A cluster can be rebuilt from Git',
          why: 'If rebuilding needs someone to remember steps, disaster recovery depends on that person being awake.',
          how: 'Bootstrap a fresh cluster from the fleet repository regularly (the ephemeral clusters do this every time) and measure how long it takes.',
          example: 'examples/fleet/clusters',
          page: { id: 'understand/topics/flux-workflows' },
          origin: 'added',
        },
        {
          id: 'tenancy',
          title: 'Namespaces, RBAC and network policy per team',
          why: 'A shared cluster without boundaries lets one team’s mistake become everyone’s incident.',
          how: 'Give each team namespaces, a Flux Kustomization with its own service account, and a default-deny NetworkPolicy.',
          example: 'examples/fleet/infrastructure/configs/network-policies.yaml',
          page: { id: 'understand/topics/repository-layouts' },
          origin: 'added',
        },
      ],
    },
  ],
};

export const checklists: Record<string, Checklist> = {
  [applicationChecklist.id]: applicationChecklist,
  [clusterChecklist.id]: clusterChecklist,
};

/** All item ids of a checklist, in display order. */
export function itemIds(checklist: Checklist): string[] {
  return checklist.sections.flatMap((section) => section.items.map((item) => item.id));
}
