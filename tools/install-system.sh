#!/bin/sh
# Installs the system packages bosun and its tests use, when missing (as root, with apt-get).
set -e
need=""
command -v etcd >/dev/null 2>&1 || need="$need etcd-server"
command -v etcdctl >/dev/null 2>&1 || need="$need etcd-client"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "missing system packages:$need (run as root, or install them with apt-get)" >&2
    exit 0
fi
echo "installing:$need"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends $need >/dev/null
