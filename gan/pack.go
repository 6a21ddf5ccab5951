package gan

import (
	"fmt"

	"github.com/gibbsml/gibbs/tensor"
)

// Pack joins each m consecutive rows of x ([N, D], N divisible by m) into
// one row: [N/m, m*D]. This is PacGAN's packing (Lin et al. 2018): the
// discriminator judges m samples at once, all real or all generated, and
// so sees the lack of diversity of a collapsed generator. Images
// flattened as [C*H*W] rows become [m*C, H, W] images, joined along the
// channels.
func Pack(x *tensor.Tensor, m int) *tensor.Tensor {
	if m == 1 {
		return x
	}
	n, d := x.Size(0), x.Size(1)
	if m < 1 || n%m != 0 {
		panic(fmt.Sprintf("gan: Pack: %d rows do not pack by %d", n, m))
	}
	return x.Reshape(n/m, m*d)
}
