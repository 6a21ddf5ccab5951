package kernel

// Tile of the portable micro-kernel: four rows of four accumulators fit
// the sixteen floating-point registers of common 64-bit CPUs.
const (
	goMR = 4
	goNR = 4
)

// goKernel is the portable micro-kernel, used where no assembly kernel
// applies and as a check on the assembly ones.
var goKernel = &gemmKernel{name: "go", mr: goMR, nr: goNR, mc: 128, kc: 256, nc: 2048, fn: kernelGo}

func kernelGo(kc int, a []float32, rsa, csa int, b []float32, rsb int, c []float32, ldc, mv, nv int, alpha, beta float32, bias tileBias) {
	var acc [goMR * goNR]float32
	for p := 0; p < kc; p++ {
		bp := b[p*rsb : p*rsb+goNR]
		for i := 0; i < goMR; i++ {
			ai := a[i*rsa+p*csa]
			row := acc[i*goNR : i*goNR+goNR]
			for j, bv := range bp {
				row[j] += ai * bv
			}
		}
	}
	addTile(c, ldc, 1, acc[:], goNR, mv, nv, alpha, beta, bias)
}
