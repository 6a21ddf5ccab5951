//go:build !amd64

package kernel

// The portable loops serve every element-wise map.
var (
	addVV      = addVVGo
	subVV      = subVVGo
	mulVV      = mulVVGo
	divVV      = divVVGo
	addVS      = addVSGo
	mulVS      = mulVSGo
	axpyVS     = axpyGo
	expVec     = expGo
	logVec     = logGo
	sigmoidVec = sigmoidGo
	siluVec    = siluGo
	tanhVec    = tanhGo
	softplusV  = softplusGo
	sigmoidGV  = sigmoidGradGo
	tanhGV     = tanhGradGo
	reluGV     = reluGradGo
	siluGV     = siluGradGo
	leakyVec   = leakyGo
	leakyGV    = leakyGradGo
	adamVec    = adamPlain
)
