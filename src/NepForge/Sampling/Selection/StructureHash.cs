using System.Buffers.Binary;
using System.Security.Cryptography;
using NepForge.Structures;

namespace NepForge.Sampling.Selection;

/// <summary>Content hashes: of a structure (what a descriptor depends on) and of a file (the model).</summary>
internal static class StructureHash
{
    /// <summary>SHA-256 (hex) over atomic numbers, positions, cell and periodicity, as exact bits; labels and metadata are left out.</summary>
    public static string Of(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        int n = frame.AtomCount;
        var bytes = new byte[8 + 4 * n + 8 * frame.Positions.Length + 8 * 9 + 3];
        int o = 0;
        BinaryPrimitives.WriteInt64LittleEndian(bytes, n);
        o += 8;
        foreach (var e in frame.Elements)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(o), e.Z);
            o += 4;
        }
        foreach (double p in frame.Positions)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(o), p);
            o += 8;
        }
        if (frame.Lattice is { } lat)
        {
            foreach (double v in lat.Matrix.ToArray())
            {
                BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(o), v);
                o += 8;
            }
            bytes[o] = (byte)(lat.Pbc.A ? 1 : 0);
            bytes[o + 1] = (byte)(lat.Pbc.B ? 1 : 0);
            bytes[o + 2] = (byte)(lat.Pbc.C ? 1 : 0);
        }
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>SHA-256 (hex) of a file's bytes.</summary>
    public static string OfFile(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }
}
