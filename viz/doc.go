// Package viz draws the pictures gibbs writes while it trains: energy
// landscapes as heat maps with data and samples on top, scatter plots of
// 2-D points, grids of images (samples, reconstructions) and line plots of
// loss curves. It needs nothing beyond the standard library: pictures are
// image.Image values, drawn pixel by pixel, and SavePNG writes one to disk
// atomically.
//
// Scalar fields are colored with viridis (van der Walt & Smith, the
// matplotlib 2.0 default colormap, 2015), which is perceptually uniform and
// readable in grey scale and by color-blind viewers; point sets and curves
// use the Okabe–Ito palette.
//
// Plot types are structs whose zero fields take sensible defaults; each has
// a Render method that returns the picture. Titles, axis labels, legends
// and the numbers on axes and color bars are drawn with a small built-in
// 5×7 pixel font. Annotate puts a title, axis labels and a legend around a
// picture without axes (an image grid, a matrix); Tile lays pictures out
// in rows, as the panels of one figure.
package viz
