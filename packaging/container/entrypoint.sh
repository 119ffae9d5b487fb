#!/bin/sh
# scanhook's container entrypoint. /config holds scanhook.ini (the package's
# default is copied there on first start), /data the database. PUID and PGID
# (default: the package's scanhook user) are the ids scanhookd runs as, so
# /data is owned like the rest of your media stack. It listens on
# 0.0.0.0:3030 unless SCANHOOK__SERVER__LISTEN says otherwise, which
# scanhookd allows only with [server] username and password set
# (SCANHOOK__SERVER__USERNAME / SCANHOOK__SERVER__PASSWORD, or in the INI).
# Arguments are passed to scanhookd (e.g. `doctor /tv/Show`).
set -eu

scanhookd=${SCANHOOKD:-/usr/bin/scanhookd}
default_ini=${SCANHOOK_DEFAULT_INI:-/etc/scanhook/scanhook.ini}
config_dir=${SCANHOOK_CONFIG_DIR:-/config}
data_dir=${SCANHOOK_DATA_DIR:-/data}
ini="$config_dir/scanhook.ini"

if [ ! -f "$ini" ]; then
  mkdir -p "$config_dir"
  cp "$default_ini" "$ini"
  echo "scanhook: wrote the default configuration to $ini"
fi
mkdir -p "$data_dir"
export SCANHOOK__SERVER__DATABASE="${SCANHOOK__SERVER__DATABASE:-$data_dir/scanhook.db}"
export SCANHOOK__SERVER__LISTEN="${SCANHOOK__SERVER__LISTEN:-0.0.0.0:3030}"

run=""
if [ "$(id -u)" -eq 0 ]; then
  puid=${PUID:-$(id -u scanhook)}
  pgid=${PGID:-$(id -g scanhook)}
  case "$puid$pgid" in
    *[!0-9]*) echo "scanhook: PUID and PGID must be numbers (got PUID=$puid PGID=$pgid)" >&2; exit 64 ;;
  esac
  [ "$(stat -c %u:%g "$data_dir")" = "$puid:$pgid" ] || chown -R "$puid:$pgid" "$data_dir"
  run="setpriv --reuid $puid --regid $pgid --clear-groups --no-new-privs"
fi
cd "$data_dir"
umask 0027

if [ "$#" -eq 0 ]; then
  $run "$scanhookd" --check-config --config "$ini" || {
    code=$?
    echo "scanhook: in a container set SCANHOOK__SERVER__USERNAME and SCANHOOK__SERVER__PASSWORD" \
         "(or [server] username and password in $ini) so the other containers can reach it" >&2
    exit "$code"
  }
fi
exec $run "$scanhookd" --config "$ini" "$@"
