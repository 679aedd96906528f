using System.Globalization;

namespace OmsSync.Engine.MySql.Values;

/// <summary>
/// An exact DECIMAL/NUMERIC value as its canonical text ("-12.340", scale digits always written),
/// so DECIMAL(65,30) survives where <see cref="decimal"/> would overflow or round.
/// </summary>
public readonly record struct MySqlDecimal(string Text)
{
    /// <summary>The value as <see cref="decimal"/> when it fits without losing digits.</summary>
    public bool TryGetDecimal(out decimal value) =>
        decimal.TryParse(Text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)
        && Normalize(value.ToString(CultureInfo.InvariantCulture)) == Normalize(Text);

    private static string Normalize(string text)
    {
        var t = text.TrimStart('-');
        if (t.Contains('.')) t = t.TrimEnd('0').TrimEnd('.');
        t = t.TrimStart('0');
        if (t.Length == 0 || t.StartsWith('.')) t = "0" + t;
        return (text.StartsWith('-') && t != "0" ? "-" : "") + t;
    }

    public override string ToString() => Text;
}
