namespace OmsSync.Engine.MySql.Values;

/// <summary>A MySQL JSON column value, converted from MySQL's binary JSON to JSON text.</summary>
public readonly record struct MySqlJson(string Text)
{
    public override string ToString() => Text;
}
