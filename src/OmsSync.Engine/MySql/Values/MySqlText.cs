using System.Text;
using OmsSync.Engine.Changes;

namespace OmsSync.Engine.MySql.Values;

/// <summary>
/// A CHAR/VARCHAR/TEXT value: the stored bytes and the column's character set, so the caller
/// decodes with the right charset (latin1 and utf8mb4 columns side by side stay correct).
/// Binary-collated columns are never this type: they decode to byte[]. Compared by content.
/// </summary>
public sealed class MySqlText : IEquatable<MySqlText>, IEncodedText
{
    private readonly byte[] _bytes;

    public MySqlText(byte[] bytes, string charset, int? collation = null)
    {
        _bytes = bytes;
        Charset = charset;
        Collation = collation;
    }

    public ReadOnlyMemory<byte> Bytes => _bytes;
    /// <summary>MySQL charset name: utf8mb4, utf8mb3, latin1, ...</summary>
    public string Charset { get; }
    /// <summary>The collation id when the binlog named it.</summary>
    public int? Collation { get; }

    public byte[] ToArray() => (byte[])_bytes.Clone();

    /// <summary>The text, decoded with the column's charset.</summary>
    public override string ToString() => MySqlCharsets.GetEncoding(Charset).GetString(_bytes);

    public bool Equals(MySqlText? other) => other is not null && Charset == other.Charset && _bytes.AsSpan().SequenceEqual(other._bytes);
    public override bool Equals(object? obj) => Equals(obj as MySqlText);
    public override int GetHashCode() => HashCode.Combine(Charset, _bytes.Length);
}
