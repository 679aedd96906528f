namespace OmsSync.Engine.MySql.Values;

/// <summary>A BIT(n) value: the bits as an unsigned number (BIT(64) all ones = ulong.MaxValue) and the column width.</summary>
public readonly record struct MySqlBit(ulong Value, int Length)
{
    /// <summary>The big-endian bytes MySQL stores ((Length + 7) / 8 of them), as a b'...' literal or a BINARY parameter needs.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[(Length + 7) / 8];
        for (var i = 0; i < bytes.Length; i++) bytes[bytes.Length - 1 - i] = (byte)(Value >> (8 * i));
        return bytes;
    }

    public override string ToString() => "b'" + Convert.ToString((long)Value, 2).PadLeft(Length, '0') + "'";
}
