#!/bin/sh
# Prints the name of the first container image builder that works here:
# docker (its CLI with a reachable engine), podman, or buildah. IMAGE_BUILDER,
# if set, is taken as it is. Exits 1, saying why on stderr, when none works.
set -u
if [ -n "${IMAGE_BUILDER:-}" ]; then
	echo "$IMAGE_BUILDER"
	exit 0
fi
# docker's CLI alone is not enough: `docker info` needs the engine.
if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
	echo docker
	exit 0
fi
if command -v podman >/dev/null 2>&1 && podman info >/dev/null 2>&1; then
	echo podman
	exit 0
fi
if command -v buildah >/dev/null 2>&1 && buildah --version >/dev/null 2>&1; then
	echo buildah
	exit 0
fi
echo "no container image builder works here: docker with a running engine, podman or buildah (apt-get install buildah)" >&2
exit 1
