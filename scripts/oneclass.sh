#!/bin/sh
# The one-class MNIST protocol of Ruff et al. 2018 (Deep SVDD) with a
# plain autoencoder: for each digit d, train on the training images of d
# alone, score all 10000 test images by their reconstruction energy (d
# normal, every other digit an anomaly) and print the AUROC.
#
# Recipe: MLP 784-128-32-128-784 with ReLU, Bernoulli decoder (BCE summed
# over the pixels), Adam at 1e-3, batches of 128, 20 epochs, seed 1.
#
#     sh scripts/oneclass.sh [RUNS_DIR] [extra flags of gibbs train ae]
#
# e.g. sh scripts/oneclass.sh runs/oneclass-dae --variant denoising;
# DIGITS="8 9" limits the run to those digits. RUNS_DIR/d must not hold a
# run yet.
set -e
runs=${1:-runs/oneclass}
[ $# -gt 0 ] && shift
go build -o "${TMPDIR:-/tmp}/gibbs-oneclass" ./cmd/gibbs
gibbs="${TMPDIR:-/tmp}/gibbs-oneclass"
for d in ${DIGITS:-0 1 2 3 4 5 6 7 8 9}; do
	"$gibbs" train ae --quiet --data mnist --class "$d" --hidden 128 --latent 32 --epochs 20 --out "$runs/$d" "$@" >/dev/null
	auc=$("$gibbs" score --run "$runs/$d" --input mnist --out "$runs/$d/scores.csv" | sed -n 's/^AUROC \([0-9.]*\).*/\1/p')
	echo "digit $d: AUROC $auc"
done
