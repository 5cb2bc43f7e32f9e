#!/usr/bin/env bash
# Installs Jupyter for kcdl's notebooks and registers the tslab kernel of THIS
# project's node_modules, so notebooks/ run the pinned tslab and package versions.
#
#   bash environment/install-jupyter.sh            # install what is missing, register the kernel
#   bash environment/install-jupyter.sh --kernel-only
#
# Routes, first that works:
#   1. an active conda environment ($CONDA_PREFIX): environment/environment.yml
#   2. pip into a virtual environment inside the project, <repo>/.venv (git-ignored;
#      never the user's global Python): environment/requirements.txt — JupyterLab,
#      Notebook, plotly's renderer, nbclient/nbconvert. An unreachable index fails
#      within seconds (no retries, 10 s timeout), not after minutes of retrying.
#   3. Debian packages (apt-get): jupyter-notebook python3-nbconvert python3-nbclient,
#      and chromium (static PNG/SVG figures; without it classic Notebook shows none).
# Then run Jupyter from the venv: .venv/bin/jupyter lab notebooks/
#
# Environment: PYTHON (default python3) creates the venv; KCDL_VENV moves it;
# KCDL_NO_APT=1 never falls back to apt-get (system packages).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
tslab_bin="$repo/node_modules/.bin/tslab"
venv="${KCDL_VENV:-$repo/.venv}"
PYTHON="${PYTHON:-python3}"
DISPLAY_NAME="TypeScript"   # what JupyterLab's launcher shows; equals the notebooks' kernelspec
kernel_only=0
[[ "${1:-}" == "--kernel-only" ]] && kernel_only=1

say() { printf 'install-jupyter: %s\n' "$*" >&2; }
has_jupyter() { [[ -x "$1" || -n "$(command -v "$1" 2>/dev/null)" ]] && "$1" -c 'import jupyter_client, nbclient, nbconvert' >/dev/null 2>&1; }
has_lab() { has_jupyter "$1" && "$1" -c 'import jupyterlab, notebook, plotly' >/dev/null 2>&1; }
has_chromium() {
  local c
  for c in "${KCDL_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome /usr/bin/google-chrome-stable; do
    [[ -n "$c" && -x "$c" ]] && return 0
  done
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1
}
apt_install() {
  local sudo_cmd=""
  [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}

if [[ ! -x "$tslab_bin" ]]; then
  if [[ $kernel_only -eq 1 ]]; then
    say "node_modules/.bin/tslab is missing: run 'npm ci' in $repo first"
    exit 1
  fi
  say "note: node_modules/.bin/tslab is missing; run 'npm ci' before opening a notebook (the kernel launches it)"
fi

jpy=""   # the Python whose Jupyter runs the notebooks
if [[ -n "${CONDA_PREFIX:-}" ]] && has_jupyter "$CONDA_PREFIX/bin/python"; then
  jpy="$CONDA_PREFIX/bin/python"
elif has_lab "$venv/bin/python"; then
  jpy="$venv/bin/python"
elif [[ $kernel_only -eq 1 ]]; then
  for p in "$venv/bin/python" "$PYTHON" /usr/bin/python3; do
    if has_jupyter "$p"; then jpy="$p"; break; fi
  done
elif [[ -n "${CONDA_PREFIX:-}" ]] && command -v conda >/dev/null 2>&1; then
  say "conda environment $CONDA_PREFIX: installing from environment/environment.yml"
  conda env update -p "$CONDA_PREFIX" -f "$here/environment.yml"
  jpy="$CONDA_PREFIX/bin/python"
else
  pip_ok=0
  if [[ ! -x "$venv/bin/python" ]]; then
    say "creating the virtual environment $venv (with $PYTHON)"
    rm -rf "$venv"
    "$PYTHON" -m venv "$venv" || say "$PYTHON -m venv failed (Debian: apt-get install python3-venv)"
  fi
  if [[ -x "$venv/bin/python" ]]; then
    say "pip: installing environment/requirements.txt into $venv"
    # Fail fast: an unreachable index is an error within seconds (PIP_* from the
    # user's config still apply, e.g. an extra index or find-links).
    if "$venv/bin/python" -m pip install --retries 0 --timeout 10 --disable-pip-version-check \
         -r "$here/requirements.txt"; then
      pip_ok=1
      jpy="$venv/bin/python"
      say "installed JupyterLab, Notebook and plotly into $venv"
    else
      say "pip could not install the requirements (index unreachable?)"
    fi
  fi
  if [[ $pip_ok -eq 0 ]]; then
    if [[ -z "${KCDL_NO_APT:-}" ]] && command -v apt-get >/dev/null 2>&1; then
      pkgs=(jupyter-notebook python3-nbconvert python3-nbclient)
      has_chromium || pkgs+=(chromium)
      say "using Debian's packages: ${pkgs[*]}"
      apt_install "${pkgs[@]}"
      jpy=/usr/bin/python3
    else
      say "no conda, no reachable pip index, and no apt-get (or KCDL_NO_APT is set): install Jupyter yourself"
      say "  ($venv/bin/python -m pip install -r environment/requirements.txt), then rerun with --kernel-only"
      exit 1
    fi
  fi
fi

if [[ -z "$jpy" ]] || ! has_jupyter "$jpy"; then
  say "Jupyter is not importable (tried ${jpy:-$venv/bin/python, $PYTHON, /usr/bin/python3}); install it first (without --kernel-only)"
  exit 1
fi

# Register the kernel: kernels/tslab/kernel.json launching this project's tslab
# binary (no global tslab needed). In a venv/conda env it goes into that env's
# share/jupyter (only that Jupyter sees it); for Debian's Jupyter, into the user's data dir.
if [[ "$jpy" == "$venv/bin/python" || "$jpy" == "${CONDA_PREFIX:-/nonexistent}/bin/python" ]]; then
  data_dir="$("$jpy" -c 'import sys, os; print(os.path.join(sys.prefix, "share", "jupyter"))')"
else
  data_dir="$("$jpy" -c 'from jupyter_core.paths import jupyter_data_dir; print(jupyter_data_dir())')"
fi
kdir="$data_dir/kernels/tslab"
mkdir -p "$kdir"
cat > "$kdir/kernel.json" <<JSON
{
  "argv": ["$tslab_bin", "kernel", "--config-path", "{connection_file}"],
  "display_name": "$DISPLAY_NAME",
  "language": "typescript"
}
JSON
say "registered kernel 'tslab' (\"$DISPLAY_NAME\") -> $tslab_bin ($kdir/kernel.json)"

has_chromium || say "WARNING: no Chromium: static figure images (PNG/SVG) are skipped and classic Notebook shows no figures; install it (Debian/Ubuntu: sudo apt-get install chromium)"
bindir="$(dirname "$jpy")"
if "$jpy" -c 'import jupyterlab' >/dev/null 2>&1; then
  say "open the notebooks with: cd $repo && $bindir/jupyter lab notebooks/   (or: $bindir/jupyter notebook notebooks/)"
else
  say "open the notebooks with: cd $repo && jupyter notebook notebooks/"
fi
