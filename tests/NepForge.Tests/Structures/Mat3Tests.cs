using NepForge.Structures;

namespace NepForge.Tests.Structures;

public class Mat3Tests
{
    static readonly Mat3 A = new(2, -1, 0, 1, 3, 4, 0, 5, -2);

    static Mat3 RandomMatrix(Random rng)
    {
        Span<double> v = stackalloc double[9];
        for (int i = 0; i < 9; i++)
            v[i] = rng.NextDouble() * 10 - 5;
        return Mat3.FromRowMajor(v);
    }

    /// <summary>Textbook product, element by element.</summary>
    static Mat3 Multiply(Mat3 a, Mat3 b)
    {
        var r = new double[9];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                double s = 0;
                for (int k = 0; k < 3; k++)
                    s += a[i, k] * b[k, j];
                r[3 * i + j] = s;
            }
        }
        return Mat3.FromRowMajor(r);
    }

    [Fact]
    public void DeterminantOfKnownMatrices()
    {
        // 2·(3·(−2) − 4·5) − (−1)·(1·(−2) − 4·0) + 0 = 2·(−26) + (−2) = −54.
        Assert.Equal(-54.0, A.Determinant);
        Assert.Equal(1.0, Mat3.Identity.Determinant);
        Assert.Equal(0.0, Mat3.Zero.Determinant);
        Assert.Equal(30.0, Mat3.Diagonal(2, 3, 5).Determinant);
        // Singular: third row = first + second.
        Assert.Equal(0.0, new Mat3(1, 2, 3, 4, 5, 6, 5, 7, 9).Determinant);
        Assert.Equal(3.0, A.Trace);
    }

    [Fact]
    public void InverseOfKnownMatrix()
    {
        var inv = A.Inverse();
        // adj(A) / det: row 0 = (−26, −2, −4)/−54, …
        var expected = new Mat3(-26, -2, -4, 2, -4, -8, 5, -10, 7);
        Assert.True(Mat3.MaxAbsDifference((-1.0 / 54) * expected, inv) < 1e-15, inv.ToString());
        Assert.Throws<InvalidOperationException>(() => new Mat3(1, 2, 3, 4, 5, 6, 5, 7, 9).Inverse());
        Assert.Throws<InvalidOperationException>(() => Mat3.Zero.Inverse());
    }

    [Fact]
    public void InverseTimesMatrixIsIdentity()
    {
        var rng = new Random(42);
        int tested = 0;
        for (int n = 0; n < 1000; n++)
        {
            var m = RandomMatrix(rng);
            if (Math.Abs(m.Determinant) < 1)
                continue; // keep the condition number modest so 1e-12 is a fair bound
            tested++;
            var inv = m.Inverse();
            Assert.True(Mat3.MaxAbsDifference(Mat3.Identity, inv * m) < 1e-12, $"inv·M ≠ I for {m}");
            Assert.True(Mat3.MaxAbsDifference(Mat3.Identity, m * inv) < 1e-12, $"M·inv ≠ I for {m}");
            Assert.Equal(1 / m.Determinant, inv.Determinant, 1e-12 * Math.Abs(inv.Determinant));
        }
        Assert.True(tested > 500);
    }

    [Fact]
    public void TransposeSwapsRowsAndColumns()
    {
        var t = A.Transpose();
        Assert.Equal(new Mat3(2, 1, 0, -1, 3, 5, 0, 4, -2), t);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(A.Row(i), t.Column(i));
            for (int j = 0; j < 3; j++)
                Assert.Equal(A[i, j], t[j, i]);
        }
        Assert.Equal(A, t.Transpose());
        Assert.Equal(A.Determinant, t.Determinant);
    }

    [Fact]
    public void ProductsMatchTextbookDefinition()
    {
        var b = new Mat3(1, 0, 2, -1, 1, 0, 3, 2, 1);
        // Hand-computed A·B: row 0 = 2·(1,0,2) − (−1,1,0) = (3, −1, 4);
        // row 1 = (1,0,2) + 3·(−1,1,0) + 4·(3,2,1) = (10, 11, 6); row 2 = 5·(−1,1,0) − 2·(3,2,1) = (−11, 1, −2).
        Assert.Equal(new Mat3(3, -1, 4, 10, 11, 6, -11, 1, -2), A * b);
        Assert.Equal(A, A * Mat3.Identity);
        Assert.Equal(A, Mat3.Identity * A);

        var rng = new Random(3);
        for (int n = 0; n < 200; n++)
        {
            var x = RandomMatrix(rng);
            var y = RandomMatrix(rng);
            Assert.True(Mat3.MaxAbsDifference(Multiply(x, y), x * y) < 1e-12);
            // (XY)ᵀ = YᵀXᵀ
            Assert.True(Mat3.MaxAbsDifference((x * y).Transpose(), y.Transpose() * x.Transpose()) < 1e-12);
            // det(XY) = det X · det Y
            Assert.Equal(x.Determinant * y.Determinant, (x * y).Determinant, 1e-9 * Math.Max(1, Math.Abs(x.Determinant * y.Determinant)));
        }
    }

    [Fact]
    public void VectorProductsAndScalarOps()
    {
        var v = new Vec3(1, 2, 3);
        // Row vector: v·A = 1·row0 + 2·row1 + 3·row2 = (2,−1,0) + (2,6,8) + (0,15,−6) = (4, 20, 2).
        Assert.Equal(new Vec3(4, 20, 2), v * A);
        // Column vector: A·v = (2−2+0, 1+6+12, 0+10−6) = (0, 19, 4).
        Assert.Equal(new Vec3(0, 19, 4), A * v);
        Assert.Equal(v * A, A.Transpose() * v);
        Assert.Equal(new Mat3(4, -2, 0, 2, 6, 8, 0, 10, -4), 2.0 * A);
        Assert.Equal(new Mat3(-2, 1, 0, -1, -3, -4, 0, -5, 2), -A);
        Assert.Equal(Mat3.Zero, A + -A);
        Assert.Equal(new Mat3(3, -1, 0, 1, 4, 4, 0, 5, -1), A + Mat3.Identity);
    }

    [Fact]
    public void ConstructionAndAccess()
    {
        double[] values = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var m = Mat3.FromRowMajor(values);
        Assert.Equal(values, m.ToArray());
        Assert.Equal(6.0, m[1, 2]);
        Assert.Equal(8.0, m[2, 1]);
        Assert.Equal(new Vec3(4, 5, 6), m.Row(1));
        Assert.Equal(new Vec3(2, 5, 8), m.Column(1));
        Assert.Equal(m, Mat3.FromRows(new Vec3(1, 2, 3), new Vec3(4, 5, 6), new Vec3(7, 8, 9)));
        Assert.Equal(new Mat3(1, 0, 0, 0, 2, 0, 0, 0, 3), Mat3.Diagonal(1, 2, 3));
        Assert.Throws<ArgumentException>(() => Mat3.FromRowMajor(new double[8]));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Row(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => m[3, 0]);
        Assert.Equal(0.5, Mat3.MaxAbsDifference(m, new Mat3(1, 2, 3, 4, 5.5, 6, 7, 8, 9)));
        Assert.Equal("[[1, 2, 3], [4, 5, 6], [7, 8, 9]]", m.ToString());
    }

    [Fact]
    public void Vec3Operations()
    {
        var a = new Vec3(1, 2, 3);
        var b = new Vec3(-2, 0, 5);
        Assert.Equal(13.0, Vec3.Dot(a, b));
        // a×b = (2·5 − 3·0, 3·(−2) − 1·5, 1·0 − 2·(−2)) = (10, −11, 4).
        Assert.Equal(new Vec3(10, -11, 4), Vec3.Cross(a, b));
        Assert.Equal(0.0, Vec3.Dot(a, Vec3.Cross(a, b)));
        Assert.Equal(14.0, a.LengthSquared);
        Assert.Equal(Math.Sqrt(14), a.Length);
        Assert.Equal(new Vec3(-1, 2, 8), a + b);
        Assert.Equal(new Vec3(3, 2, -2), a - b);
        Assert.Equal(new Vec3(2, 4, 6), 2 * a);
        Assert.Equal(new Vec3(2, 4, 6), a * 2);
        Assert.Equal(2.0, a[1]);
        double[] flat = new double[6];
        b.Store(flat, 1);
        Assert.Equal(b, Vec3.At(flat, 1));
        Assert.Equal(Vec3.Zero, Vec3.At(flat, 0));
    }
}
