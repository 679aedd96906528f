BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Test-OmsDataSource' {
    Test-CmdletContract Test-OmsDataSource -Parameters Name, Role -Mandatory ':Name' -ByValue Name -ByPropertyName Name

    Context 'MariaDB' -Tag Integration {
        It 'passes every check of every role on a server set up for it' {
            $name = New-TestDataSource MariaDbA
            $checks = Test-OmsDataSource $name -Role Source, Target, IncrementalSource
            ($checks | Where-Object Check -eq Connectivity).Status | Should -Be 'Pass'
            ($checks | Where-Object Check -eq Version).Status | Should -Be 'Pass'
            ($checks | Where-Object Check -eq Binlog).Status | Should -Be 'Pass'
            $checks | Where-Object Status -eq Fail | Should -BeNullOrEmpty
            $checks.Source | Sort-Object -Unique | Should -Be $name
        }
        It 'reports a wrong password as AuthenticationFailed with a failed Connectivity check' {
            $name = New-TestDataSource MariaDbA -Password 'not-the-password'
            $check = Test-OmsDataSource $name -ErrorVariable e -ErrorAction SilentlyContinue
            $check.Check | Should -Be 'Connectivity'
            "$($check.Status)" | Should -Be 'Fail'
            $e[0].FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
            "$($e[0].CategoryInfo.Category)" | Should -Be 'AuthenticationError'
            $e[0].Exception.Message | Should -BeLike '*Set-OmsDataSource*'
        }
        It 'reports a closed port as ConnectionFailed and goes on with the next name' {
            $closed = New-TestName ds
            $null = New-OmsDataSource $closed -Type MariaDb -Server 127.0.0.1 -Port 1 -Credential (New-TestCredential)
            $good = New-TestDataSource MariaDbB
            $checks = $closed, $good | Test-OmsDataSource -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            "$($e[0].CategoryInfo.Category)" | Should -Be 'ConnectionError'
            $e[0].TargetObject | Should -Be $closed
            ($checks | Where-Object { $_.Source -eq $good -and $_.Check -eq 'Connectivity' }).Status | Should -Be 'Pass'
        }
        It 'says that a host name does not resolve (ConnectionFailed), not that the server does not answer' {
            # A name the resolver refuses on this host without asking any server (tests reach nothing but loopback).
            $name = New-TestName dns
            $null = New-OmsDataSource $name -Type MariaDb -Server 'no!such-host.invalid' -Credential (New-TestCredential oms x)
            try {
                $null = Test-OmsDataSource $name -ErrorVariable e -ErrorAction SilentlyContinue
                @($e | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) | Should -Be 'ConnectionFailed'
                $e[0].Exception.Message | Should -Match ([regex]::Escape("the host name 'no!such-host.invalid' does not resolve"))
            } finally { Remove-OmsDataSource $name -Confirm:$false }
        }
    }

    Context 'PostgreSQL' -Tag Integration {
        It 'checks a PostgreSQL server for every role' {
            $name = New-TestDataSource Postgres pg
            $checks = Test-OmsDataSource $name -Role Source, Target, IncrementalSource
            ($checks | Where-Object Check -eq WalLevel).Status | Should -Be 'Pass'
            ($checks | Where-Object Check -eq ReplicationPrivileges).Status | Should -Be 'Pass'
            ($checks | Where-Object Check -eq TargetPrivileges).Status | Should -Be 'Pass'
            $checks | Where-Object Status -eq Fail | Should -BeNullOrEmpty
        }
    }
}
