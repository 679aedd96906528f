namespace OmsSync.Engine.MySql.Values;

/// <summary>A SET value: its member bitmask (bit 0 = first member) and its comma-joined text when the column's members are known.</summary>
public readonly record struct MySqlSet(ulong Bits, string? Text)
{
    public override string ToString() => Text ?? Bits.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
