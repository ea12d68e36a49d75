#!/usr/bin/env bash
echo "remote_coverage_tools is stubbed out for offline builds; bazel coverage is unavailable" >&2
exit 1
