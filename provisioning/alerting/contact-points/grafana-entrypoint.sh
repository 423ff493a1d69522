#!/bin/sh
# The Grafana service's entrypoint in docker-compose: provisions the alert contact points whose
# variable is set, then starts Grafana (the command given as arguments, the image's /run.sh).
# Grafana provisioning has no conditionals, and a contact point with an empty address fails to
# load, so each channel is a file of its own in this folder (rendered from
# grafana/src/alerting/provisioning.ts), and only the files of the channels in use are copied.
#
# FOOTFALL_PROVISIONING_SOURCE  the repository's provisioning folder, mounted read-only
# GF_PATHS_PROVISIONING         where Grafana reads provisioning from: a writable copy of it
set -eu

source_dir=${FOOTFALL_PROVISIONING_SOURCE:?set FOOTFALL_PROVISIONING_SOURCE to the provisioning folder}
target_dir=${GF_PATHS_PROVISIONING:?set GF_PATHS_PROVISIONING to where Grafana reads provisioning from}
channels=$source_dir/alerting/contact-points
webhook=${FOOTFALL_ALERT_WEBHOOK_URL:-}
email=${FOOTFALL_ALERT_EMAIL:-}

if [ -z "$webhook" ] && [ -z "$email" ]; then
  echo "footfall: no alert contact point: set FOOTFALL_ALERT_WEBHOOK_URL or FOOTFALL_ALERT_EMAIL (or both) in .env; alerts would reach no one" >&2
  exit 78
fi

# A fresh copy at every start, so a channel removed from .env is gone after a restart.
rm -rf "$target_dir"
mkdir -p "$target_dir"
cp -R "$source_dir"/. "$target_dir"/
rm -rf "$target_dir/alerting/contact-points"

keep() {
  cp "$channels/$1" "$target_dir/alerting/contact-points-$1"
  echo "footfall: alert contact points from $1"
}
# Pages go to the webhook and to email, everything else to email; without an email address,
# everything else goes to the webhook rather than nowhere.
if [ -n "$webhook" ]; then keep webhook.yaml; fi
if [ -n "$email" ]; then keep email.yaml; fi
if [ -n "$webhook" ] && [ -z "$email" ]; then keep webhook-without-email.yaml; fi

exec "$@"
