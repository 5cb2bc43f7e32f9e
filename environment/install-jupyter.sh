#!/usr/bin/env bash
# Installs Jupyter (JupyterLab where pip or conda can reach it, Debian's Jupyter
# packages otherwise) and registers the tslab kernel of THIS project's
# node_modules, so notebooks/ run the pinned tslab and package versions.
#
#   bash environment/install-jupyter.sh            # install if missing, register kernel
#   bash environment/install-jupyter.sh --kernel-only
#
# Environment: PYTHON (default python3) picks the Python whose Jupyter is used.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
tslab_bin="$repo/node_modules/.bin/tslab"
PYTHON="${PYTHON:-python3}"
kernel_only=0
[[ "${1:-}" == "--kernel-only" ]] && kernel_only=1

say() { printf 'install-jupyter: %s\n' "$*" >&2; }
has_jupyter() { "$1" -c 'import jupyter_client, nbclient, nbconvert' >/dev/null 2>&1; }

if [[ ! -x "$tslab_bin" ]]; then
  say "node_modules/.bin/tslab is missing: run 'npm ci' in $repo first"
  exit 1
fi

if [[ $kernel_only -eq 0 ]] && ! has_jupyter "$PYTHON"; then
  if [[ -n "${CONDA_PREFIX:-}" ]] && command -v conda >/dev/null 2>&1; then
    say "conda environment $CONDA_PREFIX: installing from environment/environment.yml"
    conda env update -p "$CONDA_PREFIX" -f "$here/environment.yml"
  elif "$PYTHON" -m pip --version >/dev/null 2>&1 && "$PYTHON" -m pip install -r "$here/requirements.txt"; then
    say "installed JupyterLab with $PYTHON -m pip"
  elif command -v apt-get >/dev/null 2>&1; then
    say "pip could not install JupyterLab; using Debian's packages"
    sudo_cmd=""
    [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
    $sudo_cmd apt-get update
    $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y jupyter-notebook python3-nbconvert python3-nbclient
    PYTHON=/usr/bin/python3
  else
    say "no conda, pip or apt-get found: install JupyterLab yourself (pip install -r environment/requirements.txt), then rerun with --kernel-only"
    exit 1
  fi
fi

# Debian's packages land in /usr/bin/python3, which may differ from a pyenv/venv python3 on PATH.
if ! has_jupyter "$PYTHON" && has_jupyter /usr/bin/python3; then PYTHON=/usr/bin/python3; fi
if ! has_jupyter "$PYTHON"; then
  say "Jupyter is still not importable from $PYTHON; set PYTHON=/path/to/jupyter/python and rerun"
  exit 1
fi

# Register the kernel: kernels/tslab/kernel.json in the user's Jupyter data dir,
# launching this project's tslab binary (no global tslab needed).
data_dir="$("$PYTHON" -c 'from jupyter_core.paths import jupyter_data_dir; print(jupyter_data_dir())')"
kdir="$data_dir/kernels/tslab"
mkdir -p "$kdir"
cat > "$kdir/kernel.json" <<JSON
{
  "argv": ["$tslab_bin", "kernel", "--config-path", "{connection_file}"],
  "display_name": "TypeScript (kcdl)",
  "language": "typescript"
}
JSON
say "registered kernel 'tslab' -> $tslab_bin ($kdir/kernel.json)"
if "$PYTHON" -c 'import jupyterlab' >/dev/null 2>&1; then
  say "open the notebooks with: cd $repo && $PYTHON -m jupyterlab notebooks/"
else
  say "open the notebooks with: cd $repo && jupyter notebook notebooks/   (or install JupyterLab: pip install -r environment/requirements.txt)"
fi
