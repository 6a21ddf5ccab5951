//go:build amd64

package kernel

var (
	addVV      = addVVGo
	subVV      = subVVGo
	mulVV      = mulVVGo
	addVS      = addVSGo
	mulVS      = mulVSGo
	expVec     = expGo
	sigmoidVec = sigmoidGo
	siluVec    = siluGo
	tanhVec    = tanhGo
)
