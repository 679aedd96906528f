using System.Globalization;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Verification;

/// <summary>
/// One column compared between source and target: the column on each side and the form its values are compared in
/// (<see cref="ValueForm"/>). Each kind of server writes the SQL of that form for its own column; this class decides
/// whether two comparable values read back from the sides are the same. Values are never compared through a
/// collation: 'a' and 'A' differ even where the target's collation calls them equal.
/// </summary>
internal sealed class ComparedColumn
{
    public const int FloatDigits = 6;
    public const int DoubleDigits = 15;

    public ComparedColumn(ColumnSchema source, ColumnSchema target, ValueForm form)
    {
        Source = source;
        Target = target;
        Form = form;
    }

    public ColumnSchema Source { get; }
    public ColumnSchema Target { get; }
    public string Name => Source.Name;
    public ValueForm Form { get; }

    public ColumnSchema SchemaOf(Side side) => side == Side.Source ? Source : Target;

    /// <summary>True when two comparable values read back from the sides are the same under this column's form.</summary>
    public bool Same(byte[]? source, byte[]? target)
    {
        if (source is null || target is null) return source is null && target is null;
        if (source.AsSpan().SequenceEqual(target)) return true;
        switch (Form)
        {
            case ValueForm.StoredFloat or ValueForm.StoredDouble:
                if (!double.TryParse(System.Text.Encoding.ASCII.GetString(source), NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
                    || !double.TryParse(System.Text.Encoding.ASCII.GetString(target), NumberStyles.Float, CultureInfo.InvariantCulture, out var b))
                    return false;
                return SameToDigits(a, b, Form == ValueForm.StoredFloat ? FloatDigits : DoubleDigits);
            case ValueForm.Json:
                // The servers' normal forms differ (MariaDB keeps JSON as written): compare the documents.
                return JsonValues.Same(source, target);
            default:
                return false;
        }
    }

    /// <summary>Equal to <paramref name="digits"/> significant digits: they differ by at most one unit in the last of them.</summary>
    public static bool SameToDigits(double a, double b, int digits)
    {
        if (a == b) return true;
        var magnitude = Math.Max(Math.Abs(a), Math.Abs(b));
        var unit = Math.Pow(10, Math.Floor(Math.Log10(magnitude)) - digits + 1);
        return Math.Abs(a - b) <= unit;
    }
}

/// <summary>Which server a query goes to.</summary>
internal enum Side { Source, Target }
