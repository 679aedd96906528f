using System.Buffers.Binary;

namespace OmsSync.Engine.MySql.Values;

/// <summary>A GEOMETRY value in MySQL's internal form: 4-byte little-endian SRID, then WKB. Compared by content.</summary>
public sealed class MySqlGeometry : IEquatable<MySqlGeometry>
{
    private readonly byte[] _bytes;

    public MySqlGeometry(byte[] bytes)
    {
        if (bytes.Length < 4) throw new FormatException("A geometry value is shorter than its 4-byte SRID.");
        _bytes = bytes;
    }

    /// <summary>SRID + WKB, as GeomFromWKB-free INSERTs of the internal form and ST_GeomFromWKB(Wkb, Srid) both need.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;
    public uint Srid => BinaryPrimitives.ReadUInt32LittleEndian(_bytes);
    public ReadOnlyMemory<byte> Wkb => _bytes.AsMemory(4);

    public byte[] ToArray() => (byte[])_bytes.Clone();

    public bool Equals(MySqlGeometry? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);
    public override bool Equals(object? obj) => Equals(obj as MySqlGeometry);
    public override int GetHashCode() => _bytes.Length;
    public override string ToString() => $"SRID={Srid};WKB={Convert.ToHexString(_bytes, 4, _bytes.Length - 4)}";
}
