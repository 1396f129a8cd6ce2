#!/bin/sh
# Puts pyspark (pinned) into the git-ignored virtual environment .venv-spark, unless it is
# there already: Debian's Python refuses system-wide pip installs. Needs python3-venv, and Java
# (default-jre-headless) to run. The README's test command calls this; the Spark tests use it.
set -eu
cd "$(dirname "$0")/../.."
venv=.venv-spark
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import pyspark' 2>/dev/null; then exit 0; fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check 'pyspark==4.3.0'
