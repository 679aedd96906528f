using System.Globalization;
using OmsSync.Engine.MySql.Values;

namespace OmsSync.Engine.Conflicts;

/// <summary>
/// The value of a NewerWins timestamp column as the rule compares it: numbers by value, dates and times by the wall
/// time they name (to the microsecond), NULL below everything. Made alike from a decoded row image and from the text a
/// server prints for the column, so both sides of a task compare the same values the same way whatever their kind.
/// </summary>
public readonly struct VersionStamp : IComparable<VersionStamp>
{
    private enum Kind : byte { Null, Number, Float, Time }

    private readonly Kind _kind;
    private readonly long _time;        // Time: microseconds counted from 0000-00-00 00:00:00
    private readonly double _float;     // Float
    private readonly string? _digits;   // Number: exact decimal text, normalized (no sign, no leading zeros, no trailing fraction zeros)
    private readonly bool _negative;    // Number

    private VersionStamp(Kind kind, long time = 0, double value = 0, string? digits = null, bool negative = false)
    {
        _kind = kind;
        _time = time;
        _float = value;
        _digits = digits;
        _negative = negative;
    }

    public static VersionStamp Null => default;

    /// <summary>A decoded image value (binlog decoder types, CLR numbers and times) or a server's text for one.</summary>
    public static VersionStamp Of(object? value) => value switch
    {
        null => Null,
        long l => Exact(l.ToString(CultureInfo.InvariantCulture)),
        ulong u => Exact(u.ToString(CultureInfo.InvariantCulture)),
        int i => Exact(i.ToString(CultureInfo.InvariantCulture)),
        short s => Exact(s.ToString(CultureInfo.InvariantCulture)),
        decimal d => Exact(d.ToString(CultureInfo.InvariantCulture)),
        MySqlDecimal d => Exact(d.Text),
        double d => new VersionStamp(Kind.Float, value: d),
        float f => new VersionStamp(Kind.Float, value: f),
        MySqlDateTime t => Time(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, t.Microsecond),
        MySqlDate d => Time(d.Year, d.Month, d.Day, 0, 0, 0, 0),
        MySqlTimestamp t => t.IsZero ? Time(0, 0, 0, 0, 0, 0, 0) : Of(t.ToDateTimeOffset()),
        DateTime t => Time(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, (int)(t.Ticks % TimeSpan.TicksPerSecond / 10)),
        DateTimeOffset t => Of(t.UtcDateTime),
        DateOnly d => Time(d.Year, d.Month, d.Day, 0, 0, 0, 0),
        string text => Parse(text),
        _ => throw new FormatException($"A value of type {value.GetType().Name} cannot serve as a NewerWins timestamp."),
    };

    /// <summary>
    /// The text a server prints for a number, date or time ('12.50', '1e+20', '2024-01-01', '2024-01-01 10:00:00.5',
    /// '2024-01-01 10:00:00+00' in a UTC session); null for NULL.
    /// </summary>
    public static VersionStamp Parse(string? text)
    {
        if (text is null) return Null;
        var t = text.Trim();
        if (t.Length >= 10 && t[4] == '-' && t[7] == '-' && char.IsAsciiDigit(t[0])) return ParseTime(t);
        if (t.IndexOfAny(['e', 'E', 'n', 'N', 'i', 'I']) >= 0)
            return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? new VersionStamp(Kind.Float, value: d)
                : throw new FormatException($"'{text}' is not a number, date or time.");
        return Exact(t);
    }

    private static VersionStamp ParseTime(string t)
    {
        int Digits(int at, int count)
        {
            var n = 0;
            for (var i = at; i < at + count; i++)
                n = char.IsAsciiDigit(t[i]) ? n * 10 + (t[i] - '0') : throw new FormatException($"'{t}' is not a date or time.");
            return n;
        }
        int hour = 0, minute = 0, second = 0, micro = 0;
        if (t.Length >= 19 && (t[10] == ' ' || t[10] == 'T'))
        {
            (hour, minute, second) = (Digits(11, 2), Digits(14, 2), Digits(17, 2));
            if (t.Length > 20 && t[19] == '.')
            {
                var end = 20;
                while (end < t.Length && char.IsAsciiDigit(t[end])) end++;
                var fraction = t[20..end].PadRight(6, '0')[..6];
                micro = int.Parse(fraction, CultureInfo.InvariantCulture);
            }
        }
        return Time(Digits(0, 4), Digits(5, 2), Digits(8, 2), hour, minute, second, micro);
    }

    // Zero parts (MySQL zero dates) are allowed: the count orders them below every real date of the same year.
    private static VersionStamp Time(int year, int month, int day, int hour, int minute, int second, int micro) =>
        new(Kind.Time, time: ((((((long)year * 13 + month) * 32 + day) * 24 + hour) * 60 + minute) * 60 + second) * 1_000_000 + micro);

    private static VersionStamp Exact(string text)
    {
        var negative = text.StartsWith('-');
        var digits = text.TrimStart('-', '+');
        if (digits.Length == 0 || digits.Any(c => !char.IsAsciiDigit(c) && c != '.') || digits.Count(c => c == '.') > 1)
            throw new FormatException($"'{text}' is not a number.");
        if (digits.Contains('.')) digits = digits.TrimEnd('0').TrimEnd('.');
        digits = digits.TrimStart('0');
        if (digits.Length == 0 || digits[0] == '.') digits = "0" + digits;
        return new VersionStamp(Kind.Number, digits: digits, negative: negative && digits != "0");
    }

    public int CompareTo(VersionStamp other)
    {
        if (_kind == Kind.Null || other._kind == Kind.Null) return (_kind == Kind.Null ? 0 : 1) - (other._kind == Kind.Null ? 0 : 1);
        if (_kind == Kind.Time && other._kind == Kind.Time) return _time.CompareTo(other._time);
        if (_kind == Kind.Time || other._kind == Kind.Time)
            throw new FormatException("A NewerWins timestamp compares a date or time with a number: the two sides disagree on the column's type.");
        if (_kind == Kind.Float || other._kind == Kind.Float) return AsDouble().CompareTo(other.AsDouble());
        if (_negative != other._negative) return _negative ? -1 : 1;
        var magnitude = CompareDigits(_digits!, other._digits!);
        return _negative ? -magnitude : magnitude;
    }

    private double AsDouble() => _kind == Kind.Float ? _float : double.Parse((_negative ? "-" : "") + _digits, CultureInfo.InvariantCulture);

    // Two normalized unsigned decimals: the longer integer part is larger, then digit by digit.
    private static int CompareDigits(string a, string b)
    {
        var pointA = a.IndexOf('.') is var pa and >= 0 ? pa : a.Length;
        var pointB = b.IndexOf('.') is var pb and >= 0 ? pb : b.Length;
        if (pointA != pointB) return pointA.CompareTo(pointB);
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var x = i < a.Length ? a[i] : '0';
            var y = i < b.Length ? b[i] : '0';
            if (x != y) return x.CompareTo(y);
        }
        return 0;
    }

    public static bool operator <(VersionStamp a, VersionStamp b) => a.CompareTo(b) < 0;
    public static bool operator >(VersionStamp a, VersionStamp b) => a.CompareTo(b) > 0;

    public override string ToString() => _kind switch
    {
        Kind.Null => "NULL",
        Kind.Number => (_negative ? "-" : "") + _digits,
        Kind.Float => _float.ToString("R", CultureInfo.InvariantCulture),
        _ => $"t{_time}",
    };
}
