// Package label is the energy F(x, y) of a sample x and a label y from a
// finite set of K answers: LeCun et al. 2006's "F is low when y is a good
// prediction of x", of which every classifier is an instance.
//
// A network reads x (an image or a row of a CSV file) and gives one energy
// per answer, [N, K] (Model.Energies); inference is y* = argmin_y F(x, y)
// (Model.Predict). Training shapes the energies with a contrastive loss of
// LeCun et al.'s table (package energy: hinge, log, square-square,
// square-exponential, NLL/MMI, MCE, LVQ2, perceptron, MEE) that pushes the
// correct answer's energy down and that of the most offending incorrect
// answer, the wrong label of lowest energy, up. With the NLL loss (beta 1)
// the energies are the negated logits of a softmax classifier trained on
// the cross-entropy. The energy loss, which has no margin, is refused: it
// only pulls the correct answer down and nothing pushes the others up.
//
// As an energy.Model, F(x, y) takes y as [N, K] one-hot rows (F is linear
// in y: sum_k y_k F(x, k)); called with x == nil, like any unconditional
// energy, its argument is the sample and it returns the free energy over
// the labels, F(x) = -log sum_y exp(-F(x, y)). That is the score 'gibbs
// score' writes, and the energy score of Liu et al. 2020 for
// out-of-distribution detection (the negative logsumexp of the logits),
// which OOD compares with the maximum softmax probability of Hendrycks &
// Gimpel 2017.
//
// The trunk is an MLP of hidden widths (784-256-128-10 on Fashion-MNIST by
// default) or a small convnet of stride-2 convolutions for images. Train
// runs it on the train loop, epoch by epoch, in a resumable run folder of
// kind "ebm-label"; every epoch adds the test accuracy and the mean energy
// margin between the most offending incorrect answer and the correct one
// to metrics.jsonl and redraws energies.png (the energies of all answers
// for a few test samples) and curves.png. Importing the package registers
// the kind, so train.Open gives the trained model back.
package label
