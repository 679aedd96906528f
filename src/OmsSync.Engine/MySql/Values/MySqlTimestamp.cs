namespace OmsSync.Engine.MySql.Values;

/// <summary>
/// A TIMESTAMP exactly as the binlog holds it: seconds since the Unix epoch in UTC plus
/// microseconds, independent of any session or host time zone. 0 is the zero timestamp.
/// </summary>
public readonly record struct MySqlTimestamp(long EpochSeconds, int Microseconds, int Precision)
{
    public bool IsZero => EpochSeconds == 0 && Microseconds == 0;

    public DateTimeOffset ToDateTimeOffset() => DateTimeOffset.FromUnixTimeSeconds(EpochSeconds).AddTicks(Microseconds * 10L);

    /// <summary>The UTC wall time 'YYYY-MM-DD hh:mm:ss[.ffffff]', or '0000-00-00 00:00:00' for zero; write it with time_zone '+00:00'.</summary>
    public override string ToString()
    {
        if (IsZero) return "0000-00-00 00:00:00" + Fraction.Format(0, Precision);
        var t = ToDateTimeOffset().UtcDateTime;
        return $"{t:yyyy-MM-dd HH:mm:ss}{Fraction.Format(Microseconds, Precision)}";
    }
}
