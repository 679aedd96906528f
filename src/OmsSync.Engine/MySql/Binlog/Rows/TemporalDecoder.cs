using OmsSync.Engine.MySql.Binlog.Protocol;
using OmsSync.Engine.MySql.Values;

namespace OmsSync.Engine.MySql.Binlog.Rows;

/// <summary>Row formats of DATE, TIME(2), DATETIME(2), TIMESTAMP(2) and YEAR.</summary>
internal static class TemporalDecoder
{
    /// <summary>DATE: 3 bytes little-endian, day in bits 0-4, month in 5-8, year above.</summary>
    public static MySqlDate ReadDate(ref PacketReader reader)
    {
        var v = reader.ReadUInt24();
        return new MySqlDate((int)(v >> 9), (int)(v >> 5 & 15), (int)(v & 31));
    }

    /// <summary>Old TIME: 3-byte signed integer [-]HHMMSS.</summary>
    public static MySqlTime ReadTime(ref PacketReader reader)
    {
        var raw = (int)reader.ReadUInt24();
        if ((raw & 0x800000) != 0) raw |= unchecked((int)0xFF000000);
        var negative = raw < 0;
        var v = Math.Abs(raw);
        return new MySqlTime(negative, v / 10000, v / 100 % 100, v % 100, 0, 0);
    }

    /// <summary>TIME2: 3 bytes big-endian offset by 0x800000 (sign, 10-bit hour, minute, second) plus 0-3 fraction bytes.</summary>
    public static MySqlTime ReadTime2(ref PacketReader reader, int precision)
    {
        long packed;
        switch (precision)
        {
            case 0:
                packed = ((long)reader.ReadUIntBE(3) - 0x800000) << 24;
                break;
            case 1 or 2:
            {
                var integer = (long)reader.ReadUIntBE(3) - 0x800000;
                long fraction = reader.ReadByte();
                if (integer < 0 && fraction != 0) { integer++; fraction -= 0x100; }
                packed = (integer << 24) + fraction * 10000;
                break;
            }
            case 3 or 4:
            {
                var integer = (long)reader.ReadUIntBE(3) - 0x800000;
                long fraction = (long)reader.ReadUIntBE(2);
                if (integer < 0 && fraction != 0) { integer++; fraction -= 0x10000; }
                packed = (integer << 24) + fraction * 100;
                break;
            }
            case 5 or 6:
                packed = (long)reader.ReadUIntBE(6) - 0x800000000000;
                break;
            default:
                throw new FormatException($"Invalid TIME fractional precision {precision}.");
        }
        return FromPackedTime(packed, precision);
    }

    /// <summary>The server's packed TIME: (hour &lt;&lt; 12 | minute &lt;&lt; 6 | second) &lt;&lt; 24 | microseconds, negated when negative.</summary>
    public static MySqlTime FromPackedTime(long packed, int precision)
    {
        var negative = packed < 0;
        if (negative) packed = -packed;
        var hms = packed >> 24;
        return new MySqlTime(negative, (int)(hms >> 12 & 0x3FF), (int)(hms >> 6 & 0x3F), (int)(hms & 0x3F), (int)(packed & 0xFFFFFF), precision);
    }

    /// <summary>Old DATETIME: 8-byte little-endian integer YYYYMMDDhhmmss.</summary>
    public static MySqlDateTime ReadDateTime(ref PacketReader reader)
    {
        var v = reader.ReadUInt64();
        var date = v / 1_000_000;
        var time = v % 1_000_000;
        return new MySqlDateTime((int)(date / 10000), (int)(date / 100 % 100), (int)(date % 100),
            (int)(time / 10000), (int)(time / 100 % 100), (int)(time % 100), 0, 0);
    }

    /// <summary>DATETIME2: 5 bytes big-endian offset by 0x8000000000 (year*13+month, day, hour, minute, second) plus 0-3 fraction bytes.</summary>
    public static MySqlDateTime ReadDateTime2(ref PacketReader reader, int precision)
    {
        var integer = (long)reader.ReadUIntBE(5) - 0x8000000000;
        var micro = ReadFraction(ref reader, precision);
        return FromPackedDateTime((integer << 24) + micro, precision);
    }

    /// <summary>The server's packed DATETIME: ((year*13+month) &lt;&lt; 5 | day) &lt;&lt; 17 | hour &lt;&lt; 12 | minute &lt;&lt; 6 | second, then &lt;&lt; 24 | microseconds.</summary>
    public static MySqlDateTime FromPackedDateTime(long packed, int precision)
    {
        if (packed < 0) packed = -packed;
        var micro = (int)(packed & 0xFFFFFF);
        var ymdhms = packed >> 24;
        var ymd = ymdhms >> 17;
        var ym = ymd >> 5;
        var hms = ymdhms & 0x1FFFF;
        return new MySqlDateTime((int)(ym / 13), (int)(ym % 13), (int)(ymd & 31), (int)(hms >> 12), (int)(hms >> 6 & 63), (int)(hms & 63), micro, precision);
    }

    public static MySqlTimestamp ReadTimestamp(ref PacketReader reader) => new(reader.ReadUInt32(), 0, 0);

    /// <summary>TIMESTAMP2: 4-byte big-endian epoch seconds plus 0-3 fraction bytes.</summary>
    public static MySqlTimestamp ReadTimestamp2(ref PacketReader reader, int precision)
    {
        var seconds = (long)reader.ReadUIntBE(4);
        return new MySqlTimestamp(seconds, ReadFraction(ref reader, precision), precision);
    }

    /// <summary>The fraction of DATETIME2/TIMESTAMP2 in microseconds: (precision+1)/2 big-endian bytes.</summary>
    private static int ReadFraction(ref PacketReader reader, int precision) => precision switch
    {
        0 => 0,
        1 or 2 => reader.ReadByte() * 10000,
        3 or 4 => (int)reader.ReadUIntBE(2) * 100,
        5 or 6 => (int)reader.ReadUIntBE(3),
        _ => throw new FormatException($"Invalid fractional precision {precision}."),
    };

    /// <summary>YEAR: one byte, 0 for the zero year, otherwise the year minus 1900.</summary>
    public static int ReadYear(ref PacketReader reader)
    {
        var v = reader.ReadByte();
        return v == 0 ? 0 : 1900 + v;
    }
}
