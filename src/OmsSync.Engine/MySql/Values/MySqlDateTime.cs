namespace OmsSync.Engine.MySql.Values;

/// <summary>A DATETIME as stored (no time zone), zero parts allowed, with microseconds and the column's fractional digits.</summary>
public readonly record struct MySqlDateTime(int Year, int Month, int Day, int Hour, int Minute, int Second, int Microsecond, int Precision)
{
    public bool IsZero => Year == 0 && Month == 0 && Day == 0 && Hour == 0 && Minute == 0 && Second == 0 && Microsecond == 0;

    public MySqlDate Date => new(Year, Month, Day);

    public DateTime ToDateTime() => Date.IsValidDate
        ? new DateTime(Year, Month, Day, Hour, Minute, Second, DateTimeKind.Unspecified).AddTicks(Microsecond * 10L)
        : throw new InvalidOperationException($"'{this}' is not a calendar date.");

    /// <summary>'YYYY-MM-DD hh:mm:ss' plus as many fractional digits as the column has.</summary>
    public override string ToString() =>
        $"{Year:D4}-{Month:D2}-{Day:D2} {Hour:D2}:{Minute:D2}:{Second:D2}{Fraction.Format(Microsecond, Precision)}";
}
