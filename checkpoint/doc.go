// Package checkpoint reads and writes tensors in the safetensors format, the
// format PyTorch users share weights in, so that a model moves between gibbs
// and PyTorch in both directions.
//
// # File layout
//
// A safetensors file is an 8-byte little-endian unsigned header length N,
// then N bytes of UTF-8 JSON, then the data buffer. The JSON object maps each
// tensor name to {"dtype", "shape", "data_offsets": [begin, end]}, with the
// offsets counted from the start of the buffer; an optional "__metadata__"
// entry maps strings to strings. Values are little-endian and row-major. The
// tensors' byte ranges must tile the buffer exactly: no holes, no overlaps,
// nothing left over.
//
// # What is written
//
// Save and Write store every tensor as F32, in the order of the sorted
// tensor names, with the header padded with spaces so that the buffer starts
// at a multiple of 8 bytes.
//
// # What is read
//
// Load and Read return float32 tensors whatever the stored dtype:
//   - F32 as stored, bit for bit;
//   - F16 and BF16 exactly (every such value is a float32 value);
//   - F64 rounded to the nearest float32, as PyTorch's Tensor.float does;
//   - the integer dtypes I8, I16, I32, I64, U8, U16, U32, U64 when every
//     value is exactly a float32 value (always true for the 8- and 16-bit
//     ones, and for any integer of magnitude up to 2^24), and an error naming
//     the tensor and the value otherwise; PyTorch stores counters such as
//     BatchNorm's num_batches_tracked as I64;
//   - BOOL as 0 or 1.
//
// Any other dtype (the 8-bit float variants, for example) is an error naming
// the tensor and the dtype.
//
// Every claim in the header is checked against the actual size of the input
// before anything is allocated from it: the header length is at most 100 MB
// and within the file, the JSON is valid UTF-8 with no duplicate or unknown
// keys, every shape matches its byte range, and the ranges tile the buffer.
// A malformed file is an error, never a panic.
//
// # Metadata conventions
//
// State of a run that is not a tensor goes into the metadata, whose values
// are strings:
//   - numbers, such as the step counter, in decimal (strconv.FormatInt);
//   - binary state, such as the output of an RNG's MarshalBinary, in
//     standard base64 with padding (encoding/base64.StdEncoding);
//   - structured state, such as the run's configuration, as JSON text.
//
// Some PyTorch tools expect the entry "format": "pt" in the metadata of a
// file they load; set it when a file is meant for them.
package checkpoint
