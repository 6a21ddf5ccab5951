#!/bin/sh
# The label-energy recipe on Fashion-MNIST (MLP 784-256-128-10, Adam at
# 1e-3, batches of 128, 10 epochs, seed 1) with each loss of LeCun et
# al.'s table at its default constants (margin 1, beta 1, gamma 1,
# delta 1, alpha 0.1), one run after the other; prints a Markdown row per
# loss: test accuracy, mean energy margin, seconds.
#
#     sh scripts/label_losses.sh [RUNS_DIR] [extra flags of gibbs train ebm --target label]
#
# LOSSES="nll hinge" limits the sweep to those losses; SEEDS="1 2 3" runs
# each with several seeds. RUNS_DIR/LOSS-SEED must not hold a run yet.
set -e
runs=${1:-runs/labels}
[ $# -gt 0 ] && shift
go build -o "${TMPDIR:-/tmp}/gibbs-labels" ./cmd/gibbs
gibbs="${TMPDIR:-/tmp}/gibbs-labels"
echo "| loss | seed | test accuracy | mean energy margin | seconds |"
echo "|---|---:|---:|---:|---:|"
for loss in ${LOSSES:-nll hinge log square-square square-exp mce mee lvq2 perceptron contrastive}; do
	for seed in ${SEEDS:-1}; do
		start=$(date +%s)
		line=$("$gibbs" train ebm --target label --quiet --data fashion-mnist --loss "$loss" --seed "$seed" --out "$runs/$loss-$seed" "$@")
		acc=$(echo "$line" | sed -n 's/.*test accuracy \([0-9.]*%\).*/\1/p')
		margin=$(echo "$line" | sed -n 's/.*mean energy margin \([-0-9.e+]*\).*/\1/p')
		echo "| $loss | $seed | $acc | $margin | $(($(date +%s) - start)) |"
	done
done
