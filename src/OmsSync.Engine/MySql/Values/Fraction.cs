namespace OmsSync.Engine.MySql.Values;

internal static class Fraction
{
    /// <summary>".ffffff" cut to <paramref name="precision"/> digits, or empty for precision 0.</summary>
    public static string Format(int microseconds, int precision) =>
        precision <= 0 ? "" : "." + microseconds.ToString("D6")[..Math.Min(6, precision)];
}
