namespace OmsSync.Engine.MySql.Values;

/// <summary>An ENUM value: its 1-based index (0 = the '' error value) and its text when the column's values are known.</summary>
public readonly record struct MySqlEnum(int Index, string? Text)
{
    public override string ToString() => Text ?? Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
