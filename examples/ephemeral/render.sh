#!/bin/sh
# Prints the Flux Kustomization that turns a branch into a preview environment.
#   ./render.sh feature/new-greeting > previews/feature-new-greeting.yaml
# Commit that file and Flux builds the environment; delete it and Flux (prune: true) removes
# the namespace, the GitRepository and everything the app created.
set -eu
branch=${1:?usage: render.sh <branch>}

# Branch names are free-form; keep to the characters that are safe in YAML and in a URL.
case $branch in
  *[!A-Za-z0-9._/-]*) echo "render.sh: branch '$branch' has characters other than letters, digits, . _ / -" >&2; exit 1 ;;
esac

# ENV_NAME: lower case, runs of other characters become one '-', at most 40 characters, so
# that preview-<ENV_NAME> is a valid namespace name (63 at most).
env_name=$(printf '%s' "$branch" | tr 'A-Z' 'a-z' | sed -e 's/[^a-z0-9][^a-z0-9]*/-/g' -e 's/^-//' | cut -c1-40 | sed -e 's/-*$//')
if [ -z "$env_name" ]; then
  echo "render.sh: branch '$branch' leaves no name for the environment" >&2
  exit 1
fi

cat <<YAML
# Preview environment for branch $branch (written by render.sh).
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: preview-$env_name
  namespace: flux-system
spec:
  interval: 10m
  retryInterval: 1m
  timeout: 5m
  sourceRef:
    kind: GitRepository
    name: flux-system
  path: ./template
  prune: true
  wait: true
  postBuild:
    substitute:
      BRANCH: "$branch"
      ENV_NAME: "$env_name"
YAML
