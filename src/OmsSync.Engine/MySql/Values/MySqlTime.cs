namespace OmsSync.Engine.MySql.Values;

/// <summary>A TIME value: a signed duration up to 838:59:59.999999 with microseconds.</summary>
public readonly record struct MySqlTime(bool Negative, int Hours, int Minutes, int Seconds, int Microseconds, int Precision)
{
    public TimeSpan ToTimeSpan()
    {
        var ticks = (((Hours * 60L + Minutes) * 60 + Seconds) * 1_000_000 + Microseconds) * 10;
        return TimeSpan.FromTicks(Negative ? -ticks : ticks);
    }

    /// <summary>'[-]h:mm:ss' (at least two hour digits) plus as many fractional digits as the column has.</summary>
    public override string ToString() =>
        $"{(Negative ? "-" : "")}{Hours:D2}:{Minutes:D2}:{Seconds:D2}{Fraction.Format(Microseconds, Precision)}";
}
