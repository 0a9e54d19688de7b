{{- /*
Labels for every object the chart renders. With reconcileStrategy: Revision,
helm-controller versions the chart 0.1.0+<git sha>; "+" is not allowed in a
label value, so it becomes "_" (as `helm create` does for helm.sh/chart).
*/ -}}
{{- define "baseline.labels" -}}
app.kubernetes.io/name: baseline
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.Version | replace "+" "_" | quote }}
app.kubernetes.io/part-of: gitops-field-guide
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}
