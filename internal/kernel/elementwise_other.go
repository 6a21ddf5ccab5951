//go:build !amd64

package kernel

// The portable loops serve every element-wise map.
const levelPortable = 0

var bestLevel = levelPortable

func init() { useLevel(bestLevel) }

// useLevel points the maps at the portable loops, the only level here.
func useLevel(int) {
	addVV, subVV, mulVV, divVV = addVVGo, subVVGo, mulVVGo, divVVGo
	addVS, mulVS, maxVS, rsubVS, axpyVS = addVSGo, mulVSGo, maxVSGo, rsubVSGo, axpyGo
	expVec, logVec, sigmoidVec, siluVec = expGo, logGo, sigmoidGo, siluGo
	tanhVec, softplusV = tanhGo, softplusGo
	sigmoidGV, tanhGV, reluGV, siluGV = sigmoidGradGo, tanhGradGo, reluGradGo, siluGradGo
	reluVec, leakyVec, leakyGV, adamVec = reluGo, leakyGo, leakyGradGo, adamPlain
	blockCopyVec, blockAddVec, fillVec, sumVec, maxVec = blockCopyGo, blockAddGo, fillGo, sumBlockGo, maxGo
	carryVec, dotVec = carryGo, dotBlockGo
	keepVV, addKeepVV = keepVVGo, addKeepVVGo
	normApplyVec, normGradVec, normAffineVec, layerRowVec = normApplyGo, normGradGo, normAffineGo, layerRowGo
	layerGradVec = layerGradGo
	siluKeepVec = siluKeepGo
	stepClampVec = nil
	expAddVec, addMulVec = expAddTwo, addMulGo
}
