using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using OmsSync.Engine.Model;
using OmsSync.Engine.Mapping;

namespace OmsSync.Engine.Postgres.Copy;

/// <summary>The binary COPY forms OmsSync writes, one per PostgreSQL type of the MySQL-to-PostgreSQL map.</summary>
internal enum PostgresFieldKind
{
    /// <summary>The bytes as they are: bytea, and text, character, enum labels in UTF-8 (the server checks the encoding).</summary>
    Bytes,
    Jsonb,
    Int16,
    Int32,
    Int64,
    Float4,
    Float8,
    Numeric,
    Date,
    Timestamp,
    Time,
    BitString,
    Uuid,
    /// <summary>A MySQL geometry (SRID + WKB) as EWKB: what PostGIS's geometry receive reads, and what a bytea holds in its place.</summary>
    Ewkb,
    /// <summary>A SET's comma list as a one-dimensional text[].</summary>
    TextArray,
    /// <summary>An INET4 or INET6 value's 4 or 16 bytes as inet.</summary>
    Inet,
}

/// <summary>
/// Turns a value in the text a MySQL-family server writes for it (as <see cref="PostgresColumnTransfer"/> selects it)
/// into the binary form PostgreSQL's receive function for the mapped type reads: big-endian integers and floats,
/// numeric as base-10000 digit groups, dates as days and timestamps and times as microseconds from 2000-01-01
/// (-infinity as the smallest value), bit strings packed eight to a byte, geometries as EWKB, SETs as text arrays.
/// A value the PostgreSQL type cannot hold (a zero month or day, a time beyond 24:00:00, a geometry of another SRID
/// than its column's) is refused with <see cref="FormatException"/> saying why, never changed.
/// </summary>
internal static class PostgresBinaryField
{
    private const long MicrosPerDay = 86_400_000_000;
    private static readonly int PostgresEpochDay = new DateOnly(2000, 1, 1).DayNumber;

    /// <summary>The form for a source column, by the PostgreSQL column it is written to (<see cref="MySqlToPostgres"/>).</summary>
    public static PostgresFieldKind KindOf(ColumnSchema source, ColumnSchema target) =>
        SpatialTypes.IsSpatial(source) ? PostgresFieldKind.Ewkb : target.DataType switch
        {
            "smallint" => PostgresFieldKind.Int16,
            "integer" => PostgresFieldKind.Int32,
            "bigint" => PostgresFieldKind.Int64,
            "numeric" => PostgresFieldKind.Numeric,
            "real" => PostgresFieldKind.Float4,
            "double precision" => PostgresFieldKind.Float8,
            "jsonb" => PostgresFieldKind.Jsonb,
            "date" => PostgresFieldKind.Date,
            "timestamp without time zone" or "timestamp with time zone" => PostgresFieldKind.Timestamp,
            "time without time zone" => PostgresFieldKind.Time,
            "bit varying" => PostgresFieldKind.BitString,
            "uuid" => PostgresFieldKind.Uuid,
            "array" when source.DataType == "set" => PostgresFieldKind.TextArray,
            "inet" => PostgresFieldKind.Inet,
            "bytea" or "character" or "character varying" or "text" or "enum" => PostgresFieldKind.Bytes,
            var other => throw new InvalidOperationException($"Column {source.Name}: no binary COPY form for PostgreSQL type {other} ({target.ColumnType})."),
        };

    /// <summary>An upper bound of the bytes <see cref="Encode"/> writes for a text of this length.</summary>
    public static int MaxLength(PostgresFieldKind kind, int textLength) => kind switch
    {
        PostgresFieldKind.TextArray => 20 + 5 * textLength + 4, // the header, and a length word per member (at most one a byte, plus one)
        PostgresFieldKind.Inet => 20,
        _ => textLength + 16,
    };

    /// <summary>Writes the binary form of <paramref name="text"/> into <paramref name="into"/>; returns the bytes written.</summary>
    /// <param name="srid">For <see cref="PostgresFieldKind.Ewkb"/>: the SRID the column declares (geometry(Point,4326)), 0 for none.</param>
    public static int Encode(PostgresFieldKind kind, ReadOnlySpan<byte> text, Span<byte> into, uint srid = 0)
    {
        switch (kind)
        {
            case PostgresFieldKind.Bytes:
                text.CopyTo(into);
                return text.Length;
            case PostgresFieldKind.Jsonb:
                into[0] = 1; // jsonb's binary format version, followed by the JSON text
                text.CopyTo(into[1..]);
                return text.Length + 1;
            case PostgresFieldKind.Int16:
                BinaryPrimitives.WriteInt16BigEndian(into, (short)Integer(text, short.MinValue, short.MaxValue));
                return 2;
            case PostgresFieldKind.Int32:
                BinaryPrimitives.WriteInt32BigEndian(into, (int)Integer(text, int.MinValue, int.MaxValue));
                return 4;
            case PostgresFieldKind.Int64:
                BinaryPrimitives.WriteInt64BigEndian(into, Integer(text, long.MinValue, long.MaxValue));
                return 8;
            case PostgresFieldKind.Float4:
                // FLOAT arrives widened to DOUBLE's text; the double is the float's exact value, so narrowing is exact.
                BinaryPrimitives.WriteSingleBigEndian(into, (float)Double(text));
                return 4;
            case PostgresFieldKind.Float8:
                BinaryPrimitives.WriteDoubleBigEndian(into, Double(text));
                return 8;
            case PostgresFieldKind.Numeric:
                return Numeric(text, into);
            case PostgresFieldKind.Date:
                BinaryPrimitives.WriteInt32BigEndian(into, IsMinusInfinity(text) ? int.MinValue : Day(text) - PostgresEpochDay);
                return 4;
            case PostgresFieldKind.Timestamp:
                BinaryPrimitives.WriteInt64BigEndian(into, IsMinusInfinity(text) ? long.MinValue : Timestamp(text));
                return 8;
            case PostgresFieldKind.Time:
                BinaryPrimitives.WriteInt64BigEndian(into, Time(text));
                return 8;
            case PostgresFieldKind.BitString:
                return Bits(text, into);
            case PostgresFieldKind.Uuid:
                return Uuid(text, into);
            case PostgresFieldKind.Ewkb:
                // PostGIS would give a value without an SRID the column's own: a different value, so refused as any other SRID.
                if (srid != 0 && GeometryBytes.Srid(text) != srid)
                    throw new FormatException($"its SRID is {GeometryBytes.Srid(text)}, and the column holds SRID {srid} only (the SRID the source column declares).");
                return GeometryBytes.ToEwkb(text, into);
            case PostgresFieldKind.TextArray:
                return TextArray(text, into);
            case PostgresFieldKind.Inet:
                return Inet(text, into);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private static bool IsMinusInfinity(ReadOnlySpan<byte> text) => text.SequenceEqual("-infinity"u8);

    private static long Integer(ReadOnlySpan<byte> text, long min, long max)
    {
        if (!Utf8Parser.TryParse(text, out long value, out var used) || used != text.Length)
            throw new FormatException("it is not an integer.");
        if (value < min || value > max)
            throw new FormatException($"it is outside {min} to {max}.");
        return value;
    }

    private static double Double(ReadOnlySpan<byte> text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new FormatException("it is not a finite number.");

    /// <summary>
    /// numeric's binary form: digit-group count, weight of the first group (in powers of 10000), sign, display
    /// scale, then the groups. Leading and trailing zero groups are left out; the scale keeps the trailing zeros shown.
    /// </summary>
    private static int Numeric(ReadOnlySpan<byte> text, Span<byte> into)
    {
        var negative = text.Length > 0 && text[0] == '-';
        var unsigned = text.Length > 0 && text[0] is (byte)'-' or (byte)'+' ? text[1..] : text;
        var point = unsigned.IndexOf((byte)'.');
        var wholeText = point < 0 ? unsigned : unsigned[..point];
        var fraction = point < 0 ? [] : unsigned[(point + 1)..];
        if (wholeText.Length + fraction.Length == 0 || !AllDigits(wholeText) || !AllDigits(fraction))
            throw new FormatException("it is not a decimal number.");
        var whole = wholeText.TrimStart((byte)'0');
        var scale = fraction.Length;

        // Digit groups align on the decimal point: pad the whole part on the left to a multiple of four digits.
        var padding = (4 - whole.Length % 4) % 4;
        var digits = padding + whole.Length + fraction.Length;
        var groups = (digits + 3) / 4;
        var weight = (padding + whole.Length) / 4 - 1;
        static int Digit(ReadOnlySpan<byte> whole, ReadOnlySpan<byte> fraction, int padding, int i) =>
            i < padding ? 0
            : i < padding + whole.Length ? whole[i - padding] - '0'
            : i < padding + whole.Length + fraction.Length ? fraction[i - padding - whole.Length] - '0'
            : 0;

        var written = 0;
        for (var g = 0; g < groups; g++)
        {
            var value = 0;
            for (var i = 4 * g; i < 4 * g + 4; i++) value = value * 10 + Digit(whole, fraction, padding, i);
            if (written == 0 && value == 0)
            {
                weight--; // a leading zero group, only ever in a fraction below 0.0001
                continue;
            }
            BinaryPrimitives.WriteInt16BigEndian(into[(8 + 2 * written)..], (short)value);
            written++;
        }
        while (written > 0 && BinaryPrimitives.ReadInt16BigEndian(into[(8 + 2 * (written - 1))..]) == 0)
            written--; // trailing zero groups of a whole number: the weight already places the rest
        if (written == 0) weight = 0;
        BinaryPrimitives.WriteInt16BigEndian(into, (short)written);
        BinaryPrimitives.WriteInt16BigEndian(into[2..], (short)weight);
        BinaryPrimitives.WriteUInt16BigEndian(into[4..], negative && written > 0 ? (ushort)0x4000 : (ushort)0);
        BinaryPrimitives.WriteInt16BigEndian(into[6..], (short)scale);
        return 8 + 2 * written;
    }

    private static bool AllDigits(ReadOnlySpan<byte> text) => !text.ContainsAnyExceptInRange((byte)'0', (byte)'9');

    /// <summary>The day number of 'YYYY-MM-DD'.</summary>
    private static int Day(ReadOnlySpan<byte> text)
    {
        if (text.Length != 10 || text[4] != '-' || text[7] != '-')
            throw new FormatException("it is not a date.");
        var (year, month, day) = (Number(text[..4]), Number(text[5..7]), Number(text[8..10]));
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            throw new FormatException("PostgreSQL has no such date (a zero year, month or day, or a day past the month's end).");
        return new DateOnly(year, month, day).DayNumber;
    }

    /// <summary>Microseconds from 2000-01-01 00:00:00 of 'YYYY-MM-DD HH:MM:SS[.ffffff]'.</summary>
    private static long Timestamp(ReadOnlySpan<byte> text)
    {
        if (text.Length < 19 || text[10] != ' ')
            throw new FormatException("it is not a date and time.");
        var days = Day(text[..10]) - PostgresEpochDay;
        var time = Time(text[11..]);
        if (time >= MicrosPerDay)
            throw new FormatException("the time of day is past 23:59:59.999999.");
        return days * MicrosPerDay + time;
    }

    /// <summary>Microseconds of 'HH:MM:SS[.ffffff]'; time holds 00:00:00 to 24:00:00, so MySQL's wider TIME range is refused.</summary>
    private static long Time(ReadOnlySpan<byte> text)
    {
        if (text.Length > 0 && text[0] == '-')
            throw new FormatException("PostgreSQL's time holds 00:00:00 to 24:00:00, not negative times.");
        var colon = text.IndexOf((byte)':');
        if (colon < 1 || text.Length < colon + 6 || text[colon + 3] != ':')
            throw new FormatException("it is not a time.");
        var hours = Number(text[..colon]);
        var (minutes, seconds) = (Number(text[(colon + 1)..(colon + 3)]), Number(text[(colon + 4)..(colon + 6)]));
        var rest = text[(colon + 6)..];
        long micros = 0;
        if (rest.Length > 0)
        {
            if (rest[0] != '.' || rest.Length > 7) throw new FormatException("it is not a time.");
            var fraction = rest[1..];
            micros = Number(fraction);
            for (var i = fraction.Length; i < 6; i++) micros *= 10;
        }
        if (minutes > 59 || seconds > 59)
            throw new FormatException("it is not a time.");
        var total = ((hours * 60L + minutes) * 60 + seconds) * 1_000_000 + micros;
        if (total > MicrosPerDay)
            throw new FormatException("PostgreSQL's time holds 00:00:00 to 24:00:00.");
        return total;
    }

    private static int Number(ReadOnlySpan<byte> digits)
    {
        if (digits.Length == 0 || digits.Length > 9 || !AllDigits(digits))
            throw new FormatException("it is not a date or time.");
        var value = 0;
        foreach (var d in digits) value = value * 10 + (d - '0');
        return value;
    }

    /// <summary>bit varying: the bit count, then the bits packed from the high bit of the first byte.</summary>
    private static int Bits(ReadOnlySpan<byte> text, Span<byte> into)
    {
        BinaryPrimitives.WriteInt32BigEndian(into, text.Length);
        var bytes = (text.Length + 7) / 8;
        into.Slice(4, bytes).Clear();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '1') into[4 + i / 8] |= (byte)(0x80 >> (i % 8));
            else if (text[i] != '0') throw new FormatException("it is not a string of bits.");
        }
        return 4 + bytes;
    }

    /// <summary>uuid: the 16 bytes of its 32 hex digits, dashes skipped.</summary>
    private static int Uuid(ReadOnlySpan<byte> text, Span<byte> into)
    {
        var nibbles = 0;
        foreach (var c in text)
        {
            if (c == '-') continue;
            var value = HexValue(c);
            if (value < 0 || nibbles == 32) throw new FormatException("it is not a UUID.");
            into[nibbles / 2] = (byte)(nibbles % 2 == 0 ? value << 4 : into[nibbles / 2] | value);
            nibbles++;
        }
        if (nibbles != 32) throw new FormatException("it is not a UUID.");
        return 16;
    }

    /// <summary>
    /// text[] of a SET's comma list: dimensions (0 for the empty set), no NULLs, the element type (text, OID 25), the
    /// length and lower bound (1) of the one dimension, then each member as its length and UTF-8 bytes.
    /// </summary>
    private static int TextArray(ReadOnlySpan<byte> text, Span<byte> into)
    {
        const int textOid = 25;
        BinaryPrimitives.WriteInt32BigEndian(into, text.IsEmpty ? 0 : 1);
        BinaryPrimitives.WriteInt32BigEndian(into[4..], 0);
        BinaryPrimitives.WriteInt32BigEndian(into[8..], textOid);
        if (text.IsEmpty) return 12;
        BinaryPrimitives.WriteInt32BigEndian(into[12..], text.Count((byte)',') + 1);
        BinaryPrimitives.WriteInt32BigEndian(into[16..], 1);
        var at = 20;
        while (true)
        {
            var comma = text.IndexOf((byte)',');
            var member = comma < 0 ? text : text[..comma];
            BinaryPrimitives.WriteInt32BigEndian(into[at..], member.Length);
            member.CopyTo(into[(at + 4)..]);
            at += 4 + member.Length;
            if (comma < 0) return at;
            text = text[(comma + 1)..];
        }
    }

    /// <summary>inet of 4 or 16 address bytes: family (2 for IPv4, 3 for IPv6), netmask bits (the whole width), not cidr, byte count, bytes.</summary>
    private static int Inet(ReadOnlySpan<byte> address, Span<byte> into)
    {
        if (address.Length is not (4 or 16)) throw new FormatException("it is not a 4- or 16-byte address.");
        into[0] = address.Length == 4 ? (byte)2 : (byte)3;
        into[1] = (byte)(address.Length * 8);
        into[2] = 0;
        into[3] = (byte)address.Length;
        address.CopyTo(into[4..]);
        return 4 + address.Length;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
